import type { RawImage } from '../../src/image/raw-image';
import type { FlowEstimator, FlowFrame } from '../../src/video/flow';
import { TemporalStabilizer } from '../../src/video/stabilizer';

const W = 16;
const H = 12;
const flat = (v: number): RawImage => ({ width: W, height: H, channels: 3, data: new Uint8Array(W * H * 3).fill(v) });

/** A still camera: grey frames as they are, and no motion between any two. */
const still: FlowEstimator = {
  name: 'still',
  async prepare(image: RawImage): Promise<FlowFrame> {
    const data = new Uint8Array(image.width * image.height);
    for (let p = 0; p < data.length; p++) data[p] = image.data[p * image.channels]!;
    return { width: image.width, height: image.height, data };
  },
  async flow(from: FlowFrame) {
    return { width: from.width, height: from.height, data: new Float32Array(from.width * from.height * 2) };
  },
};

/** `base` ± `amp` on every channel, + on even pixels and - on odd ones: a texture with no mean change. */
const texture = (base: number, amp: number): RawImage => {
  const data = new Uint8Array(W * H * 3);
  for (let p = 0; p < W * H; p++) data.fill(base + (p % 2 ? -amp : amp), p * 3, p * 3 + 3);
  return { width: W, height: H, channels: 3, data };
};

describe('TemporalStabilizer', () => {
  it('holds a still scene\'s small texture changes, and reports the pixels it blended', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8, temporalThreshold: 12 });
    expect(s.blended).toBe(0);
    await s.next(flat(100), flat(100));
    // ±6 per channel is an RGB length of 10.4, under the threshold: the previous output stays.
    const out = await s.next(flat(100), texture(100, 6));
    expect([...new Set(out.data)]).toEqual([100]);
    expect(s.blended).toBe(1);
  });

  it('follows a larger texture change by (1 - w) of what exceeds the threshold', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8, temporalThreshold: 12 });
    await s.next(flat(100), flat(100));
    const out = await s.next(flat(100), texture(100, 40));
    const n = 40 * Math.sqrt(3);
    const step = 0.2 * 40 * (1 - 12 / n);
    expect(out.data[0]).toBe(Math.round(100 + step));
    expect(out.data[3]).toBe(Math.round(100 - step));
  });

  it('with no threshold, is the running average O + w (W - O) of the texture', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8, temporalThreshold: 0 });
    await s.next(flat(100), flat(100));
    const out = await s.next(flat(100), texture(100, 40));
    expect([out.data[0], out.data[3]]).toEqual([108, 92]);
  });

  it('passes a change of the whole frame\'s colour at once, so the output never drifts from it', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8 });
    await s.next(flat(100), texture(50, 10));
    const out = await s.next(flat(100), texture(80, 10));
    expect([out.data[0], out.data[3]]).toEqual([90, 70]);
  });

  it('blends nothing where the input frames disagree along the flow (a cut), and says so', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8 });
    await s.next(flat(20), flat(50));
    const out = await s.next(flat(200), flat(150));
    expect([...new Set(out.data)]).toEqual([150]);
    expect(s.blended).toBe(0);
  });
});
