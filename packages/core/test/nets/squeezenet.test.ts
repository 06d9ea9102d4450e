import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Graph } from '../../src/onnx/graph';
import { caffeLayerInfo, caffeLayersFor, parseCaffeNet } from '../../src/nets/caffe';
import { featureGraph } from '../../src/nets/feature-net';
import {
  buildSqueezeNet, loadSqueezeNet, loadSqueezeNetWeights, resolveSqueezeNetLayer, squeezeNetFeatures, squeezeNetLayers,
} from '../../src/nets/squeezenet';
import { WEIGHTS, batch, folderSource, noiseImage, photo, rejection, runGraph } from './helpers';

const FIRE_CHANNELS = { fire2: 128, fire3: 128, fire4: 256, fire5: 256, fire6: 384, fire7: 384, fire8: 512, fire9: 512 };

async function deploy() {
  return parseCaffeNet(await readFile(path.join(WEIGHTS, 'squeezenet1_1-caffe', 'deploy.prototxt'), 'utf8'));
}

describe('SqueezeNet 1.1 (caffejs)', () => {
  it('parses deploy.prototxt into layers with channel counts', async () => {
    const net = await deploy();
    expect(net.name).toBe('SqueezeNet');
    expect(net.input).toBe('data');
    expect(net.inputShape).toEqual([10, 3, 227, 227]);
    expect(net.layers[0]).toMatchObject({ name: 'conv1', type: 'Convolution', bottoms: ['data'], tops: ['conv1'] });
    const info = caffeLayerInfo(net);
    expect(info.get('conv1')!.filterShape).toEqual([64, 3, 3, 3]);
    expect(info.get('fire2/expand3x3')!.filterShape).toEqual([64, 16, 3, 3]);
    expect(info.get('pool1')!.deps).toEqual(['relu_conv1']); // conv1's blob was last written by the in-place ReLU
    for (const [fire, c] of Object.entries(FIRE_CHANNELS)) expect(info.get(`${fire}/concat`)!.channels).toBe(c);
    expect(caffeLayersFor(net, ['fire2/squeeze1x1']).map((l) => l.name)).toEqual(['conv1', 'relu_conv1', 'pool1', 'fire2/squeeze1x1']);
  });

  it('names layers canonically and by torchvision features index', async () => {
    const net = await deploy();
    const layers = squeezeNetLayers(net);
    expect(layers.slice(0, 4)).toEqual(['conv1', 'relu_conv1', 'pool1', 'fire2/squeeze1x1']);
    expect(layers).toContain('fire9');
    expect(layers).not.toContain('fire9/concat');
    expect(resolveSqueezeNetLayer(net, 'fire4/concat')).toBe('fire4');
    expect(resolveSqueezeNetLayer(net, 3)).toBe('fire2');
    expect(resolveSqueezeNetLayer(net, '12')).toBe('fire9');
    expect(() => resolveSqueezeNetLayer(net, 'fire10')).toThrow(expect.objectContaining({ code: 'UNKNOWN_LAYER', message: expect.stringContaining('fire2/relu_squeeze1x1') }));
    expect(() => resolveSqueezeNetLayer(net, 13)).toThrow(expect.objectContaining({ code: 'UNKNOWN_LAYER' }));
  });

  it('reads only the files up to the deepest layer', async () => {
    const src = folderSource('squeezenet1_1-caffe');
    await buildSqueezeNet(src, { layers: ['fire2/relu_squeeze1x1'] });
    expect(src.reads.sort()).toEqual([
      'deploy.prototxt', 'weights/conv1_bias.bin', 'weights/conv1_filter.bin',
      'weights/fire2/squeeze1x1_bias.bin', 'weights/fire2/squeeze1x1_filter.bin',
    ]);
  });

  it('lists every missing weight file', async () => {
    const hide = ['weights/fire3/expand1x1_filter.bin', 'weights/fire3/expand3x3_bias.bin', 'weights/fire4/squeeze1x1_filter.bin'];
    const e = await rejection(loadSqueezeNet(folderSource('squeezenet1_1-caffe', hide)));
    expect(e.code).toBe('MISSING_FILE');
    expect(e.message).toContain('3 files needed for fire3/expand1x1, fire3/expand3x3, fire4/squeeze1x1');
    for (const f of hide) expect(e.message).toContain(f);
  });

  it('runs a forward pass with Caffe ceil-mode pooling and the fire channel counts', async () => {
    const layers = ['conv1', 'relu_conv1', 'pool1', ...Object.keys(FIRE_CHANNELS), 'fire2/squeeze1x1', 'fire9/relu_squeeze1x1'];
    const g = await buildSqueezeNet(folderSource('squeezenet1_1-caffe'), { layers });
    const out = await runGraph(g, { image: noiseImage(227, 227, 11) });
    expect(out.conv1!.dims).toEqual([1, 64, 113, 113]);
    expect((out.conv1!.data as Float32Array).reduce((a, b) => Math.min(a, b))).toBeLessThan(0);
    expect((out.relu_conv1!.data as Float32Array).reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(out.pool1!.dims).toEqual([1, 64, 56, 56]);
    // 56 -> ceil((56-3)/2)+1 = 28 (floor would give 27), 28 -> 14.
    const side: Record<string, number> = { fire2: 56, fire3: 56, fire4: 28, fire5: 28, fire6: 14, fire7: 14, fire8: 14, fire9: 14 };
    for (const [fire, c] of Object.entries(FIRE_CHANNELS)) expect(out[fire]!.dims).toEqual([1, c, side[fire], side[fire]]);
    expect(out['fire2/squeeze1x1']!.dims).toEqual([1, 16, 56, 56]);
    expect(out['fire9/relu_squeeze1x1']!.dims).toEqual([1, 64, 14, 14]);
  });

  it("writes Caffe's rounded-up max pooling as padded floor-mode MaxPool, bit-exact to ceil_mode", async () => {
    const g = await buildSqueezeNet(folderSource('squeezenet1_1-caffe'), { layers: ['relu_conv1', 'pool1'] });
    expect(g.nodes.filter((n) => n.opType === 'MaxPool').every((n) => n.attributes.ceil_mode === 0)).toBe(true);
    // 57x58 after conv1: odd and even sides, where ceil and floor differ.
    const out = await runGraph(g, { image: noiseImage(115, 117, 3) });
    const ref = new Graph('ceil');
    const x = ref.input('x', 'float32', [...out.relu_conv1!.dims]);
    ref.output(ref.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }), 'y');
    const y = (await runGraph(ref, { x: out.relu_conv1! })).y!;
    expect(out.pool1!.dims).toEqual(y.dims);
    expect(Array.from(out.pool1!.data as Float32Array)).toEqual(Array.from(y.data as Float32Array));
  });

  it('classifies photos correctly through its own classifier', async () => {
    const g = await buildSqueezeNet(folderSource('squeezenet1_1-caffe'), { layers: ['prob'] });
    const images = await Promise.all(['content/skimage_chelsea.png', 'content/skimage_coffee.png'].map((f) => photo(f, 227, 227)));
    const prob = (await runGraph(g, { image: batch(images, 227, 227) })).prob!;
    expect(prob.dims).toEqual([2, 1000, 1, 1]);
    const p = prob.data as Float32Array;
    const top = [0, 1].map((i) => {
      const row = p.subarray(i * 1000, (i + 1) * 1000);
      const k = row.indexOf(Math.max(...row));
      return { k, p: row[k]! };
    });
    // Chelsea's probability splits between tabby, tiger cat and Egyptian cat (281-285 are cats).
    expect([281, 282, 283, 284, 285]).toContain(top[0]!.k);
    expect(p.subarray(281, 286).reduce((a, b) => a + b)).toBeGreaterThan(0.9);
    expect(top[1]!.k).toBe(967); // espresso
    expect(top[1]!.p).toBeGreaterThan(0.9);
  });

  it('is a FeatureNet that composes twice into one graph with shared weights', async () => {
    const net = await loadSqueezeNet(folderSource('squeezenet1_1-caffe'));
    expect(net.id).toBe('squeezenet1_1-caffe');
    expect(net.defaultContentLayer).toBe('fire2');
    expect(net.defaultStyleLayers).toEqual(['relu_conv1', 'fire3', 'fire4', 'fire5']);
    expect(() => net.addTo(new Graph(), 'x', ['fire6'])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const one = featureGraph(net, [net.defaultContentLayer, ...net.defaultStyleLayers]);
    const g = new Graph('two');
    const a = g.input('a', 'float32', [1, 3, 'h', 'w']);
    const b = g.input('b', 'float32', [1, 3, 'h', 'w']);
    net.addTo(g, a, ['fire5']);
    const fb = net.addTo(g, b, ['fire5']);
    expect(g.initializers.size).toBe(one.initializers.size + 2); // a second preprocessing W and B only
    g.output(fb.fire5!, 'fire5');
    const out = await runGraph(g, { a: noiseImage(64, 64, 1), b: noiseImage(64, 96, 2) });
    expect(out.fire5!.dims).toEqual([1, 256, 7, 11]); // 64x96 -> conv1 31x47 -> pool1 15x23 -> pool3 7x11
  });

  it('lower-level squeezeNetFeatures works on preprocessed input too', async () => {
    const weights = await loadSqueezeNetWeights(folderSource('squeezenet1_1-caffe'), { layers: ['conv1'] });
    const g = new Graph();
    const x = g.input('x', 'float32', [1, 3, 9, 9]);
    const f = squeezeNetFeatures(g, x, weights, { layers: ['conv1'], preprocess: false });
    expect(g.nodes.map((n) => n.opType)).toEqual(['Conv']);
    g.output(f.conv1!, 'y');
    const out = await runGraph(g, { x: noiseImage(9, 9) });
    expect(out.y!.dims).toEqual([1, 64, 4, 4]);
  });
});
