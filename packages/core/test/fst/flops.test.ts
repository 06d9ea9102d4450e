import { ImpastoError } from '../../src/errors';
import { fastStyleFlops } from '../../src/fst/flops';
import { FST_INPUT, buildFastStyleGraph, fastStyleParameterShapes } from '../../src/fst/network';
import { graphFlops } from '../../src/onnx/flops';
import { Graph } from '../../src/onnx/graph';
import { float32 } from '../../src/onnx/tensor';

// The count as the architecture was restated by hand before it was derived from the graph: per pixel
// of an H x W image, two 9x9 convolutions at full size, stride-2 convolutions and transposes at 1/4
// and 1/16 of the pixels, ten 128-channel 3x3 convolutions at 1/16.
const PER_PIXEL =
  2 * (81 * 3 * 32 + (9 * 32 * 64) / 4 + (9 * 64 * 128) / 16 + (10 * 9 * 128 * 128) / 16 + (9 * 128 * 64) / 16 + (9 * 64 * 32) / 4 + 81 * 32 * 3);

describe('fast-style FLOPs', () => {
  it.each([
    [4, 4],
    [20, 24],
    [256, 256],
    [512, 384],
    [1024, 1024],
  ])('counts the hand-derived figure at %i x %i', (h, w) => {
    expect(fastStyleFlops(h, w)).toBe(PER_PIXEL * h * w);
  });

  it('stays proportional to the pixels at sizes that are not multiples of 4', () => {
    expect(fastStyleFlops(33, 18) / (PER_PIXEL * 33 * 18)).toBeCloseTo(1, 12);
  });

  it('reads kernel shapes from initializers as from parameter inputs', () => {
    const zeros = Object.fromEntries(Object.entries(fastStyleParameterShapes()).map(([k, s]) => [k, float32(s)]));
    expect(graphFlops(buildFastStyleGraph(zeros), { [FST_INPUT]: [2, 3, 64, 96] })).toBe(2 * PER_PIXEL * 64 * 96);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => fastStyleFlops(0, 8)).toThrow(ImpastoError);
    expect(() => fastStyleFlops(8, 2.5)).toThrow(/for width/);
  });
});

describe('graphFlops', () => {
  it('follows strides through convolutions, pools and transposes', () => {
    const g = new Graph('tiny');
    const x = g.input('x', 'float32', ['n', 4, 'h', 'w']);
    const k = g.input('k', 'float32', [8, 2, 3, 3]); // grouped: 4 input channels in 2 groups
    let y = g.op('Conv', [x, k], { group: 2, strides: [2, 2], auto_pad: 'SAME_UPPER' });
    y = g.op('MaxPool', [g.op('Relu', [y])], { kernel_shape: [2, 2], strides: [2, 2] });
    y = g.op('ConvTranspose', [y, g.constant('t', float32([8, 1, 4, 4]))], { strides: [4, 4] });
    g.output(y, 'y');
    // Conv: 8x2x3x3 multiply-adds at each of 2 x 8 x 16 outputs; transpose: 8x1x4x4 at each of 2 x 4 x 8 inputs.
    expect(graphFlops(g, { x: [2, 4, 16, 32] })).toBe(2 * (144 * 2 * 8 * 16 + 128 * 2 * 4 * 8));
  });

  it('says why it cannot count', () => {
    const g = new Graph('opaque');
    const x = g.input('x', 'float32', [1, 3, 'h', 'w']);
    const k = g.input('k', 'float32', ['o', 3, 3, 3]);
    g.output(g.op('Conv', [x, k]), 'y');
    expect(() => graphFlops(g, { x: [1, 3, 8, 8] })).toThrow(/kernel of Conv node conv_node/);
    expect(() => graphFlops(g, { image: [1, 3, 8, 8] })).toThrow("graph opaque has no input 'image'");
    expect(() => graphFlops(g, { x: [8, 8] })).toThrow(/\[N, C, \.\.\.spatial\]/);

    const r = new Graph('resized');
    const ri = r.input('x', 'float32', [1, 3, 'h', 'w']);
    const flat = r.op('Resize', [ri, '', r.constant('scales', float32([4], [1, 1, 2, 2]))]);
    r.output(r.op('Conv', [flat, r.constant('k', float32([1, 3, 1, 1]))]), 'y');
    expect(() => graphFlops(r, { x: [1, 3, 8, 8] })).toThrow(/cannot tell the size of Conv node/);
  });
});
