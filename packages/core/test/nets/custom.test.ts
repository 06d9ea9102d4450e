import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import { float32 } from '../../src/onnx/tensor';
import { featureNetFromOnnx } from '../../src/nets/custom';
import { featureGraph } from '../../src/nets/feature-net';
import { buildVgg19 } from '../../src/nets/vgg19';
import { folderSource, noiseImage, relL2, runGraph } from './helpers';

function det(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.5);
}

/** A tiny CNN with a classifier head; `exposeFeatures` also makes its feature values outputs. */
function tinyModel(exposeFeatures = false, opset = 17): Graph {
  const m = new Graph('tiny');
  m.opset = opset;
  const x = m.input('x', 'float32', [1, 3, 'h', 'w']);
  const c1 = m.op('Conv', [x, m.constant('w1', float32([8, 3, 3, 3], det(216, 1))), m.constant('b1', float32([8], det(8, 2)))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const f1 = m.op('Relu', [c1], {}, { name: 'feat1' });
  const f2 = m.op('Relu', [m.op('Conv', [f1, m.constant('w2', float32([4, 8, 1, 1], det(32, 3)))], { kernel_shape: [1, 1] })], {}, { name: 'feat2' });
  const flat = m.op('Flatten', [m.op('GlobalAveragePool', [f2])]);
  m.output(m.op('Gemm', [flat, m.constant('w3', float32([4, 2], det(8, 4)))]), 'logits');
  if (exposeFeatures) {
    m.output(f1);
    m.output(f2);
  }
  return m;
}

const SPEC = {
  input: 'x',
  outputs: { low: 'feat1', high: 'feat2' },
  bgr: true,
  scale: 1 / 255,
  mean: [0.406, 0.456, 0.485] as [number, number, number],
  std: [0.225, 0.224, 0.229] as [number, number, number],
};

describe('custom ONNX feature network', () => {
  it('adds preprocessing in front and exposes the named values, without the classifier', async () => {
    const net = featureNetFromOnnx(encodeModel(tinyModel()), SPEC);
    expect(net.layers).toEqual(['low', 'high']);
    expect(net.defaultContentLayer).toBe('high');
    expect(net.defaultStyleLayers).toEqual(['low', 'high']);
    const g = featureGraph(net, ['low', 'high']);
    expect(g.nodes.map((n) => n.opType)).not.toEqual(expect.arrayContaining(['Gemm']));
    expect(g.nodes.map((n) => n.opType).filter((t) => t !== 'Identity')).toEqual(['Conv', 'Conv', 'Relu', 'Conv', 'Relu']);

    const [h, w] = [10, 14];
    const image = noiseImage(h, w, 9);
    const rgb = image.data as Float32Array;
    const pre = new Float32Array(rgb.length);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < h * w; i++) pre[c * h * w + i] = (rgb[(2 - c) * h * w + i]! / 255 - SPEC.mean[c]!) / SPEC.std[c]!;
    }
    const ref = await runGraph(tinyModel(true), { x: new ort.Tensor('float32', pre, [1, 3, h, w]) });
    const out = await runGraph(g, { image });
    expect(out.low!.dims).toEqual([1, 8, h, w]);
    expect(relL2(out.low!.data as Float32Array, ref.feat1!.data as Float32Array)).toBeLessThan(1e-5);
    expect(relL2(out.high!.data as Float32Array, ref.feat2!.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('cuts at the wanted layers and shares weights between two uses', () => {
    const net = featureNetFromOnnx(encodeModel(tinyModel()), { ...SPEC, id: 'tiny', defaultContentLayer: 'low' });
    expect(net.defaultContentLayer).toBe('low');
    const g = new Graph();
    const a = g.input('a', 'float32', [1, 3, 'h', 'w']);
    const b = g.input('b', 'float32', [1, 3, 'h', 'w']);
    const fa = net.addTo(g, a, ['low']);
    const fb = net.addTo(g, b, ['low']);
    expect(fa.low).not.toBe(fb.low);
    expect(fa.low!.startsWith('tiny/')).toBe(true);
    expect([...g.initializers.keys()].filter((k) => !k.startsWith('preprocess'))).toEqual(['tiny/w1', 'tiny/b1']);
  });

  it('rejects unknown layers, inputs and values, and models from other opsets', () => {
    const bytes = encodeModel(tinyModel());
    const net = featureNetFromOnnx(bytes, SPEC);
    expect(() => net.addTo(new Graph(), 'x', ['mid'])).toThrow(expect.objectContaining({ code: 'UNKNOWN_LAYER', message: expect.stringContaining('low, high') }));
    expect(() => featureNetFromOnnx(bytes, { ...SPEC, input: 'image' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => featureNetFromOnnx(bytes, { ...SPEC, outputs: { a: 'nope' } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => featureNetFromOnnx(encodeModel(tinyModel(false, 18)), SPEC)).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    expect(() => featureNetFromOnnx(encodeModel(tinyModel(false, 11)), SPEC)).not.toThrow();
    const old = new Graph('old');
    old.opset = 11;
    const x = old.input('x', 'float32', [1, 3, 4, 4]);
    old.output(old.op('Squeeze', [old.op('Relu', [x])], { axes: [0] }, { name: 'sq' }));
    expect(() => featureNetFromOnnx(encodeModel(old), { input: 'x', outputs: { s: 'sq' } })).toThrow(/Squeeze.*opset 13/);
  });

  it('round-trips a VGG19 graph exported as ONNX', async () => {
    const vgg = await buildVgg19(folderSource('vgg19-tfjs-uint8'), { layers: ['relu1_2'] });
    const net = featureNetFromOnnx(encodeModel(vgg), { input: 'image', outputs: { r: 'relu1_2' }, id: 'vgg-onnx' });
    const image = noiseImage(20, 20, 4);
    const [direct, wrapped] = await Promise.all([runGraph(vgg, { image }), runGraph(featureGraph(net, ['r']), { image })]);
    expect(Array.from(wrapped.r!.data as Float32Array)).toEqual(Array.from(direct.relu1_2!.data as Float32Array));
  });
});
