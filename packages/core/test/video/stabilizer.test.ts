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

describe('TemporalStabilizer', () => {
  it('blends every pixel of a still scene with the previous output, and reports it', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8 });
    expect(s.blended).toBe(0);
    await s.next(flat(100), flat(50));
    const out = await s.next(flat(100), flat(150));
    // O' = O + w (W(O'_prev) - O) = 150 + 0.8 (50 - 150) = 70
    expect([...new Set(out.data)]).toEqual([70]);
    expect(s.blended).toBe(1);
  });

  it('blends nothing where the input frames disagree along the flow (a cut), and says so', async () => {
    const s = new TemporalStabilizer({ estimator: still, temporalWeight: 0.8 });
    await s.next(flat(20), flat(50));
    const out = await s.next(flat(200), flat(150));
    expect([...new Set(out.data)]).toEqual([150]);
    expect(s.blended).toBe(0);
  });
});
