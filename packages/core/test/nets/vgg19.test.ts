import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Graph } from '../../src/onnx/graph';
import { featureGraph } from '../../src/nets/feature-net';
import {
  VGG19_LAYERS, buildVgg19, loadVgg19, loadVgg19Weights, resolveLayer, vgg19ConvsFor, vgg19Features, vgg19Index,
} from '../../src/nets/vgg19';
import { loadTfjsModelJson, readTfjsWeights } from '../../src/nets/tfjs-layers';
import { batch, cosine, folderSource, noiseImage, photo, rejection, relL2, runGraph } from './helpers';

describe('VGG19 layer names', () => {
  it('numbers layers like the seed chapter (0 is the input)', () => {
    expect(VGG19_LAYERS).toHaveLength(37);
    expect(VGG19_LAYERS[VGG19_LAYERS.length - 1]).toBe('pool5');
    const owl = { relu1_1: 2, relu2_1: 7, relu3_1: 12, relu4_1: 21, relu4_2: 23, relu5_1: 30 } as const;
    for (const [name, index] of Object.entries(owl)) {
      expect(vgg19Index(name as keyof typeof owl)).toBe(index);
      expect(resolveLayer(index)).toBe(name);
      expect(resolveLayer(String(index))).toBe(name);
    }
  });

  it('resolves Keras names and refuses unknown layers with the valid names', () => {
    expect(resolveLayer('block4_conv2')).toBe('conv4_2');
    expect(resolveLayer('block3_pool')).toBe('pool3');
    expect(resolveLayer('relu5_4')).toBe('relu5_4');
    for (const bad of ['relu6_1', 'fc1', 0, 38, 'block6_conv1']) {
      expect(() => resolveLayer(bad)).toThrow(expect.objectContaining({ code: 'UNKNOWN_LAYER' }));
    }
    expect(() => resolveLayer('relu6_1')).toThrow(/conv1_1, relu1_1, .*relu5_4, pool5/);
    expect(vgg19ConvsFor(['relu2_1', 'conv1_2'])).toEqual(['conv1_1', 'conv1_2', 'conv2_1']);
  });
});

describe('VGG19 from TF.js weights', () => {
  it('reads only the shards a relu2_1 graph needs and cuts the graph there', async () => {
    const u8 = folderSource('vgg19-tfjs-uint8');
    const g = await buildVgg19(u8, { layers: ['relu2_1'] });
    expect(u8.reads).toEqual(['model.json', 'group1-shard1of138.bin']);
    const f32 = folderSource('vgg19-tfjs');
    await buildVgg19(f32, { variant: 'float32', layers: ['relu2_1'] });
    expect(f32.reads).toEqual(['model.json', 'group1-shard1of1', 'group2-shard1of1', 'group3-shard1of1']);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Conv', 'Conv', 'Relu', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu']);
    expect(g.outputs.map((o) => o.name)).toEqual(['relu2_1']);
    expect(g.inputs).toEqual([{ name: 'image', type: 'float32', shape: ['batch', 3, 'height', 'width'] }]);
  });

  it('says which files of the partial float32 copy relu4_1 and relu5_1 need', async () => {
    const e = await rejection(buildVgg19(folderSource('vgg19-tfjs'), { variant: 'float32', layers: ['relu4_1'] }));
    expect(e.code).toBe('MISSING_FILE');
    expect(e.message).toMatch(/vgg19-tfjs: 1 file needed for conv4_1 missing from .*: group9-shard1of2 \(conv4_1\)$/);
    const e5 = await rejection(loadVgg19(folderSource('vgg19-tfjs'), { variant: 'float32' })); // Gatys' layers, up to relu5_1
    expect(e5.message).toContain('9 files needed for conv4_1, conv4_2, conv4_3, conv4_4, conv5_1');
    for (const b of [10, 11, 12, 13]) for (const s of [1, 2]) expect(e5.message).toContain(`group${b}-shard${s}of3 (conv${b < 13 ? 4 : 5}_${b < 13 ? b - 8 : 1})`);
  });

  it('refuses a folder that holds the other variant', async () => {
    const e = await rejection(loadVgg19Weights(folderSource('vgg19-tfjs'), { variant: 'uint8', layers: ['relu1_1'] }));
    expect(e.code).toBe('BAD_MODEL');
  });

  it('uint8 and float32 features agree to a few percent', async () => {
    const layers = ['relu1_1', 'relu2_1', 'relu3_1'];
    const feeds = { image: noiseImage(64, 64, 7) };
    const [a, b] = await Promise.all([
      buildVgg19(folderSource('vgg19-tfjs-uint8'), { variant: 'uint8', layers }).then((g) => runGraph(g, feeds)),
      buildVgg19(folderSource('vgg19-tfjs'), { variant: 'float32', layers }).then((g) => runGraph(g, feeds)),
    ]);
    expect(a.relu1_1!.dims).toEqual([1, 64, 64, 64]);
    expect(a.relu2_1!.dims).toEqual([1, 128, 32, 32]);
    expect(a.relu3_1!.dims).toEqual([1, 256, 16, 16]);
    const errors = layers.map((l) => relL2(a[l]!.data as Float32Array, b[l]!.data as Float32Array));
    // README: about 1 % at relu1_1 growing with depth (measured 0.7 %, 1.4 %, 2.9 %).
    errors.forEach((err, i) => {
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan([0.02, 0.03, 0.05][i]!);
    });
  });

  it('matches an independent TF.js (NHWC) computation of the Keras model', async () => {
    const src = folderSource('vgg19-tfjs');
    const model = await loadTfjsModelJson(src);
    const names = ['block1_conv1', 'block1_conv2', 'block2_conv1'].flatMap((l) => [`${l}/kernel`, `${l}/bias`]);
    const w = await readTfjsWeights(src, model, names);
    const image = noiseImage(24, 40, 3);
    const ours = await runGraph(await buildVgg19(src, { variant: 'float32', layers: ['relu2_1'] }), { image });

    const quiet = jest.spyOn(console, 'warn').mockImplementation(() => {}); // tfjs suggests tfjs-node
    await tf.setBackend('cpu');
    const ref = tf.tidy(() => {
      const t = (n: string) => tf.tensor(Array.from(w.get(n)!.data), [...w.get(n)!.dims]);
      const conv = (x: tf.Tensor4D, l: string): tf.Tensor4D =>
        tf.relu(tf.add(tf.conv2d(x, t(`${l}/kernel`) as tf.Tensor4D, 1, 'same'), t(`${l}/bias`))) as tf.Tensor4D;
      const nchw = tf.tensor(Array.from(image.data as Float32Array), [1, 3, 24, 40]);
      const bgr = tf.reverse(tf.transpose(nchw, [0, 2, 3, 1]), -1); // Keras caffe mode
      let x = tf.sub(bgr, tf.tensor([103.939, 116.779, 123.68])) as tf.Tensor4D;
      x = conv(conv(x, 'block1_conv1'), 'block1_conv2');
      x = tf.maxPool(x, 2, 2, 'valid');
      return tf.transpose(conv(x, 'block2_conv1'), [0, 3, 1, 2]).dataSync();
    });
    quiet.mockRestore();
    expect(ours.relu2_1!.dims).toEqual([1, 128, 12, 20]);
    expect(relL2(ours.relu2_1!.data as Float32Array, ref)).toBeLessThan(1e-5);
  });

  it('gives sane features of photos up to relu5_1, with any image size', async () => {
    const net = await loadVgg19(folderSource('vgg19-tfjs-uint8'), { pooling: 'avg' });
    expect(net.id).toBe('vgg19-tfjs-uint8');
    expect(net.defaultContentLayer).toBe('relu4_2');
    expect(net.defaultStyleLayers).toEqual(['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1']);
    const g = featureGraph(net, [30, 'relu4_2']);
    expect(g.outputs.map((o) => o.name).sort()).toEqual(['relu4_2', 'relu5_1']);
    expect(new Set(g.nodes.map((n) => n.opType))).toEqual(new Set(['Conv', 'Relu', 'AveragePool']));

    const [h, w] = [128, 160];
    const images = await Promise.all([photo('content/skimage_chelsea.png', w, h), photo('content/skimage_chelsea.png', w, h, true), photo('content/skimage_coffee.png', w, h)]);
    const out = await runGraph(g, { image: batch(images, h, w) });
    const f = out.relu5_1!;
    expect(f.dims).toEqual([3, 512, h / 16, w / 16]);
    const data = f.data as Float32Array;
    const per = data.length / 3;
    const zeros = data.filter((v) => v === 0).length / data.length;
    expect(data.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(zeros).toBeGreaterThan(0.3); // ReLU features of a photo are sparse …
    expect(zeros).toBeLessThan(0.99); // … but not dead
    // Channel means describe content: a mirrored cat is closer to the cat than an espresso is.
    const pooled = [0, 1, 2].map((i) => {
      const img = data.subarray(i * per, (i + 1) * per);
      const hw = per / 512;
      return Float32Array.from({ length: 512 }, (_, c) => img.subarray(c * hw, (c + 1) * hw).reduce((s, v) => s + v, 0) / hw);
    });
    expect(cosine(pooled[0]!, pooled[1]!)).toBeGreaterThan(0.9);
    expect(cosine(pooled[0]!, pooled[1]!) - cosine(pooled[0]!, pooled[2]!)).toBeGreaterThan(0.2);
  });

  it('composes into an existing graph, twice, sharing its weights', async () => {
    const weights = await loadVgg19Weights(folderSource('vgg19-tfjs-uint8'), { layers: ['relu1_2'] });
    const g = new Graph('two');
    const a = g.input('a', 'float32', [1, 3, 'h', 'w']);
    const b = g.input('b', 'float32', [1, 3, 'h', 'w']);
    const fa = vgg19Features(g, a, weights, { layers: ['relu1_2'] });
    const fb = vgg19Features(g, b, weights, { layers: ['relu1_1', 'relu1_2'] });
    expect(() => vgg19Features(g, a, weights, { layers: ['relu2_1'] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect([...g.initializers.keys()].filter((k) => k.startsWith('vgg19.'))).toEqual(['vgg19.conv1_1.kernel', 'vgg19.conv1_1.bias', 'vgg19.conv1_2.kernel', 'vgg19.conv1_2.bias']);
    g.output(g.op('Sub', [fa.relu1_2!, fb.relu1_2!]), 'diff');
    const x = noiseImage(16, 16, 5);
    const out = await runGraph(g, { a: x, b: x });
    expect((out.diff!.data as Float32Array).every((v) => v === 0)).toBe(true);
    expect(out.diff!.dims).toEqual([1, 64, 16, 16]);
  });
});
