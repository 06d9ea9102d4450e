/**
 * The exact rewrites int8 builds on, with random weights: ConvTranspose as Conv + DepthToSpace,
 * DepthToSpace as transposes, and channel centring and equalisation around the instance norms,
 * leave the float network's output as it was.
 */
import * as ort from 'onnxruntime-node';
import { calibrationImages } from '../../src/fst/int8/calibration-images';
import { depthToSpaceAsTransposes, phaseKernel, upsampleByDepthToSpace } from '../../src/fst/int8/depth-to-space';
import { equalizeInputs, equalizeOutputs } from '../../src/fst/int8/equalize';
import { int8PerChannel, uint8Params } from '../../src/fst/int8/qdq';
import { FST_INPUT, FST_OUTPUT, buildFastStyleGraph } from '../../src/fst/network';
import { Graph } from '../../src/onnx/graph';
import { decodeModel, encodeModel } from '../../src/onnx/serialize';
import { float32 } from '../../src/onnx/tensor';
import { Rng } from '../../src/optim/rng';
import { noiseImage, runGraph } from '../nets/helpers';
import { randomParams } from './random-params';

const clone = (g: Graph) => decodeModel(encodeModel(g));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const run = async (g: Graph, x: ort.Tensor) => (await runGraph(g, { [FST_INPUT]: x }))[FST_OUTPUT]!.data as Float32Array;

describe('int8 rewrites (exact)', () => {
  const fp32 = buildFastStyleGraph(randomParams(3));
  const x = noiseImage(36, 28, 5);

  it('a 3×3 stride-2 ConvTranspose is a 2×2 Conv to 4× the channels and DepthToSpace', async () => {
    const g = new Graph('one');
    const input = g.input('x', 'float32', [1, 5, 6, 7]);
    const w = float32([5, 3, 3, 3], new Rng(1).fillGaussian(new Float32Array(135), 1, 0));
    g.initializers.set(g.reserve('w'), w);
    g.output(g.op('ConvTranspose', [input, 'w'], { strides: [2, 2], pads: [0, 0, 1, 1] }), 'y');
    const rewritten = clone(g);
    upsampleByDepthToSpace(rewritten);
    expect(rewritten.nodes.map((n) => n.opType).filter((op) => op !== 'Identity')).toEqual(['Conv', 'DepthToSpace']);
    expect(phaseKernel(w).dims).toEqual([12, 5, 2, 2]);
    const feed = { x: new ort.Tensor('float32', new Rng(2).fillGaussian(new Float32Array(210), 1, 0), [1, 5, 6, 7]) };
    const [a, b] = [(await runGraph(g, feed)).y!, (await runGraph(rewritten, feed)).y!];
    expect(b.dims).toEqual(a.dims);
    expect(maxAbs(a.data as Float32Array, b.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('the whole network with both upsamplings rewritten matches within float noise', async () => {
    const g = clone(fp32);
    upsampleByDepthToSpace(g);
    expect(g.nodes.filter((n) => n.opType === 'ConvTranspose')).toHaveLength(0);
    expect(maxAbs(await run(fp32, x), await run(g, x))).toBeLessThan(2e-3);
  });

  const rng = new Rng(9);
  // Ranges spread over two orders of magnitude, as calibration finds them.
  const ranges = (channels: number) => {
    const max = Float32Array.from({ length: channels }, () => 10 ** (2 * rng.uniform()));
    return { min: max.map((v) => -v * rng.uniform()), max };
  };
  const convOf = (g: Graph, layer: string) => g.nodes.find((n) => n.opType === 'Conv' && n.inputs[1] === `${layer}.kernel`)!;

  it('equalising input channels through the norms that make them leaves the output unchanged', async () => {
    const g = clone(fp32);
    upsampleByDepthToSpace(g);
    for (const layer of ['conv3', 'res2.conv1', 'res4.conv2', 'deconv2']) {
      const conv = convOf(g, layer);
      const t = equalizeInputs(g, conv.inputs[0]!, () => ranges(g.initializers.get(conv.inputs[1]!)!.dims[1]!));
      expect(Math.max(...t)).toBeGreaterThan(1.5);
    }
    expect(maxAbs(await run(fp32, x), await run(g, x))).toBeLessThan(2e-3);
  });

  it('DepthToSpace (CRD) as two transposes moves every value to the same place, at any size', async () => {
    const g = new Graph('one');
    const input = g.input('x', 'float32', [1, 12, 'h', 'w']);
    g.output(g.op('DepthToSpace', [input], { blocksize: 2, mode: 'CRD' }), 'y');
    g.output(g.op('DepthToSpace', [input], { blocksize: 2, mode: 'DCR' }), 'z');
    const rewritten = clone(g);
    depthToSpaceAsTransposes(rewritten);
    // DCR orders the channels otherwise: left as it is.
    expect(rewritten.nodes.filter((n) => n.opType === 'DepthToSpace').map((n) => n.attributes.mode)).toEqual(['DCR']);
    for (const [h, w] of [[5, 7], [8, 3]] as const) {
      const feed = { x: new ort.Tensor('float32', new Rng(h).fillGaussian(new Float32Array(12 * h * w), 1, 0), [1, 12, h, w]) };
      const [a, b] = [(await runGraph(g, feed)).y!, (await runGraph(rewritten, feed)).y!];
      expect(b.dims).toEqual([1, 3, 2 * h, 2 * w]);
      expect(Array.from(b.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
    }
  });

  it('centring and equalising output channels against the norm after them changes the output only through its epsilon', async () => {
    const [g, noEpsilon, noEpsilonEqualised] = [clone(fp32), clone(fp32), clone(fp32)];
    for (const h of [noEpsilon, noEpsilonEqualised]) h.nodes.forEach((n, i) => n.opType === 'InstanceNormalization' && (h.nodes[i] = { ...n, attributes: { epsilon: 1e-12 } }));
    for (const h of [g, noEpsilon, noEpsilonEqualised]) upsampleByDepthToSpace(h);
    for (const layer of ['conv3', 'res2.conv1', 'deconv1']) {
      const r = ranges(g.initializers.get(convOf(g, layer).inputs[1]!)!.dims[0]!);
      for (const h of [g, noEpsilonEqualised]) {
        const conv = convOf(h, layer);
        const { range, bias } = equalizeOutputs(h, conv, r);
        h.nodes[h.nodes.indexOf(conv)] = { ...conv, inputs: [...conv.inputs, h.constant('bias', float32([bias.length], bias))] };
        // Every channel centred on zero and as wide as the widest: one symmetric range.
        expect(range.max).toBeGreaterThan(Math.max(...Array.from(r.max, (m, c) => (m - r.min[c]!) / 2)) * 0.999);
        expect(Math.abs(range.min + range.max)).toBeLessThan(range.max * 1e-4);
      }
    }
    expect(maxAbs(await run(noEpsilon, x), await run(noEpsilonEqualised, x))).toBeLessThan(2e-3);
    // With lengstrom's epsilon the scaled channels see a relatively smaller one: a small change.
    expect(maxAbs(await run(fp32, x), await run(g, x))).toBeLessThan(2);
  });

  it('refuses to rescale channels that no instance norm follows', () => {
    const g = clone(fp32);
    const conv4 = g.nodes.find((n) => n.inputs[1] === 'conv4.kernel')!;
    // conv4's output does go to a norm; the image into conv1 has none before it.
    const conv1 = g.nodes.find((n) => n.inputs[1] === 'conv1.kernel')!;
    expect(() => equalizeInputs(g, conv1.inputs[0]!, () => undefined)).toThrow(/channels can be rescaled only where instance norms make them/);
    expect(conv4).toBeDefined();
  });
});

describe('int8 parameters', () => {
  it('uint8 ranges always hold zero and span 255 steps', () => {
    expect(uint8Params({ min: 0, max: 25.5 })).toEqual({ scale: 0.1, zeroPoint: 0 });
    expect(uint8Params({ min: 2, max: 12.75 }).zeroPoint).toBe(0);
    const { scale, zeroPoint } = uint8Params({ min: -10, max: 15.5 });
    expect(scale).toBeCloseTo(0.1, 6);
    expect(zeroPoint).toBe(100);
  });

  it('int8 kernels are symmetric per output channel, within half a step', () => {
    const w = float32([2, 1, 1, 3], [1, -2, 0.5, 100, 50, -127]);
    const { q, scales } = int8PerChannel(w);
    expect(Array.from(q)).toEqual([64, -127, 32, 100, 50, -127]);
    expect(scales[0]).toBeCloseTo(2 / 127, 7);
    for (let i = 0; i < 6; i++) expect(Math.abs(q[i]! * scales[Math.floor(i / 3)]! - w.data[i]!)).toBeLessThanOrEqual(scales[Math.floor(i / 3)]! / 2 + 1e-6);
  });

  it('calibration images are reproducible, in range and varied', () => {
    const [a, b] = [calibrationImages(3, 64, 4), calibrationImages(3, 64, 4)];
    expect(a[2]!.data).toEqual(b[2]!.data);
    for (const img of a) {
      expect(img.dims).toEqual([1, 3, 64, 64]);
      const v = Array.from(img.data);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(255);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      expect(Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length)).toBeGreaterThan(10);
    }
    expect(maxAbs(a[0]!.data, a[1]!.data)).toBeGreaterThan(50);
  });

  it('an enlarged calibration image is the smaller picture at a larger size, as a resized photo is', () => {
    // Averaging 4×4 blocks brings it back to the 32² picture; a 128² image drawn at full size is another picture.
    const pool = (img: { data: Float32Array }, size: number, f: number) => {
      const s = size / f;
      return Float32Array.from({ length: 3 * s * s }, (_, i) => {
        const [c, y, x] = [Math.floor(i / (s * s)), Math.floor((i % (s * s)) / s), i % s];
        let sum = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += img.data[(c * size + y * f + dy) * size + x * f + dx]!;
        return sum / (f * f);
      });
    };
    const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => m + Math.abs(v - b[i]!), 0) / a.length;
    const small = calibrationImages(1, 32, 7)[0]!;
    const [enlarged, drawn] = [calibrationImages(1, 128, 7, 60, 4)[0]!, calibrationImages(1, 128, 7)[0]!];
    expect(enlarged.dims).toEqual([1, 3, 128, 128]);
    expect(meanAbs(pool(enlarged, 128, 4), small.data)).toBeLessThan(4);
    expect(meanAbs(pool(drawn, 128, 4), small.data)).toBeGreaterThan(20);
  });
});
