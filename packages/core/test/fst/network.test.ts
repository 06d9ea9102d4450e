import * as ort from 'onnxruntime-node';
import { wrapOrtSession } from '../../src/runtime/ort-session';
import { ImpastoError } from '../../src/errors';
import { FST_CHECKPOINT_LAYERS, fstParameters, readFstCheckpoint } from '../../src/fst/checkpoint';
import { FST_INPUT, FST_OUTPUT, FST_TILE_CORE, buildFastStyleGraph, fastStyleFeeds, fastStyleNormLayers, fastStyleParameterShapes, type FastStyleParams } from '../../src/fst/network';
import { imageToTensor, tensorToImage } from '../../src/image/raw-image';
import { subgraph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import type { Session } from '../../src/runtime/backend';
import { runTiled } from '../../src/tiles/tiled-run';
import { absDiff } from '@impasto/test-support/pixel-diff';
import { float32, type TensorData } from '../../src/onnx/tensor';
import { folderSource, noiseImage, runGraph } from '../nets/helpers';
import { randomParams } from './random-params';

const LAYERS = ['conv1', 'conv2', 'conv3', 'res1', 'res2', 'res3', 'res4', 'res5', 'deconv1', 'deconv2', 'conv4'];

function toOrt(feeds: Record<string, TensorData<'float32'>>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, [...t.dims])]));
}

function opsOf(g: ReturnType<typeof buildFastStyleGraph>, layer: string): string[] {
  return g.nodes.filter((n) => n.name.startsWith(`${layer}/`)).map((n) => n.opType);
}

describe('fast-style network', () => {
  const params = randomParams(7);

  it('is built from the named layers of the diagram', () => {
    const g = buildFastStyleGraph(params);
    expect(opsOf(g, 'conv1')).toEqual(['Conv', 'InstanceNormalization', 'Relu']);
    expect(opsOf(g, 'conv3')).toEqual(['Conv', 'InstanceNormalization', 'Relu']);
    expect(opsOf(g, 'res3/conv1')).toEqual(['Conv', 'InstanceNormalization', 'Relu']);
    expect(opsOf(g, 'res3/conv2')).toEqual(['Conv', 'InstanceNormalization']);
    expect(opsOf(g, 'res3')).toEqual(['Conv', 'InstanceNormalization', 'Relu', 'Conv', 'InstanceNormalization', 'Add']);
    expect(opsOf(g, 'deconv2')).toEqual(['ConvTranspose', 'InstanceNormalization', 'Relu']);
    expect(opsOf(g, 'conv4')).toEqual(['Conv', 'InstanceNormalization']);
    expect(opsOf(g, 'output')).toEqual(['Tanh', 'Mul', 'Add']);
    // The layers come in the diagram's order.
    const firstNode = (layer: string) => g.nodes.findIndex((n) => n.name.startsWith(`${layer}/`));
    const order = LAYERS.map(firstNode);
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!))).toBe(true);

    const deconv = g.nodes.find((n) => n.name.startsWith('deconv1/') && n.opType === 'ConvTranspose')!;
    expect(deconv.attributes).toEqual({ strides: [2, 2], pads: [0, 0, 1, 1] });
    const conv2 = g.nodes.find((n) => n.name.startsWith('conv2/') && n.opType === 'Conv')!;
    expect(conv2.attributes).toEqual({ auto_pad: 'SAME_UPPER', strides: [2, 2] });
  });

  it('names every parameter after its layer, as an initializer or as an input', () => {
    const shapes = fastStyleParameterShapes();
    expect(Object.keys(shapes)).toHaveLength(48);
    expect(shapes['conv1.kernel']).toEqual([32, 3, 9, 9]);
    expect(shapes['res3.conv2.gamma']).toEqual([128]);
    expect(shapes['deconv1.kernel']).toEqual([128, 64, 3, 3]);
    expect(shapes['conv4.beta']).toEqual([3]);

    const constant = buildFastStyleGraph(params);
    expect(constant.inputs.map((i) => i.name)).toEqual([FST_INPUT]);
    expect([...constant.initializers.keys()].filter((k) => k in shapes).sort()).toEqual(Object.keys(shapes).sort());
    expect(constant.initializers.get('res3.conv2.gamma')).toBe(params['res3.conv2.gamma']);

    const input = buildFastStyleGraph(undefined, { bind: 'input', name: 'trainable' });
    expect(input.name).toBe('trainable');
    expect(input.inputs.slice(1).map((i) => [i.name, i.shape])).toEqual(Object.entries(shapes));
    expect(input.initializers.size).toBeLessThan(10); // only the pad/crop and output constants
  });

  it('gives the same output with parameters fed as inputs as with them built in', async () => {
    for (const [h, w] of [[20, 24], [13, 18]] as const) {
      const image = noiseImage(h, w, 3);
      const built = (await runGraph(buildFastStyleGraph(params), { [FST_INPUT]: image }))[FST_OUTPUT]!;
      const graph = buildFastStyleGraph(params, { bind: 'input' });
      const fed = (await runGraph(graph, { [FST_INPUT]: image, ...toOrt(fastStyleFeeds(params)) }))[FST_OUTPUT]!;
      expect(fed.dims).toEqual([1, 3, h, w]);
      const a = built.data as Float32Array;
      const b = fed.data as Float32Array;
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      // Not bit-exact: ONNX Runtime prepacks constant kernels, which changes the summation order.
      expect(maxDiff).toBeLessThan(0.01);
      // Not a flat picture: the random weights do reach the output.
      expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(20);
    }
  });

  it('feeds another parameter set to the same input-bound graph', async () => {
    const graph = buildFastStyleGraph(undefined, { bind: 'input' });
    const image = noiseImage(8, 8, 5);
    const run = async (p: FastStyleParams) => (await runGraph(graph, { [FST_INPUT]: image, ...toOrt(fastStyleFeeds(p)) }))[FST_OUTPUT]!.data as Float32Array;
    const other = randomParams(8);
    const [a, b, c] = [await run(params), await run(other), await run(params)];
    expect(Array.from(a)).toEqual(Array.from(c));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('names a checkpoint variables in creation order and keeps the old call forms', async () => {
    expect(FST_CHECKPOINT_LAYERS).toHaveLength(16);
    const vars = await readFstCheckpoint(folderSource('fst/wave'));
    const named = fstParameters(vars);
    // TensorFlow [kh, kw, out, in] becomes ConvTranspose [in, out, kh, kw]; `Variable_40` is deconv1's beta.
    expect(vars[39]!.dims).toEqual([3, 3, 64, 128]);
    expect(named['deconv1.kernel']!.dims).toEqual([128, 64, 3, 3]);
    expect(named['deconv1.beta']).toBe(vars[40]);
    expect(named['deconv1.gamma']).toBe(vars[41]);
    expect(Object.keys(fastStyleFeeds(vars))).toEqual(Object.keys(fastStyleParameterShapes()));
    const g = buildFastStyleGraph(vars, 'fast_style_wave');
    expect(g.name).toBe('fast_style_wave');
    expect(g.initializers.get('conv1.kernel')!.data).toEqual(named['conv1.kernel']!.data);
  });

  it('rejects parameter sets that do not fit, naming the parameter', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ImpastoError ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    const { ['res2.conv1.beta']: _dropped, ...missing } = params;
    expect(code(() => buildFastStyleGraph(missing))).toBe('BAD_MODEL: fast-style parameters lack res2.conv1.beta');
    const wrong = { ...params, 'conv4.kernel': float32([3, 32, 3, 3]) };
    expect(code(() => fastStyleFeeds(wrong))).toBe('BAD_MODEL: fast-style parameters: conv4.kernel is float32 [3, 32, 3, 3]; the network needs float32 [3, 32, 9, 9]');
    expect(code(() => buildFastStyleGraph(wrong, { bind: 'input' }))).toMatch(/^BAD_MODEL: fast-style parameters: conv4.kernel/);
    expect(code(() => buildFastStyleGraph({ ...params, 'conv1.kernal': float32([1]) }))).toBe('BAD_MODEL: not fast-style parameters: conv1.kernal');
    expect(code(() => buildFastStyleGraph([]))).toBe('BAD_MODEL: a fast-style checkpoint has 48 variables, got 0');
    expect(code(() => buildFastStyleGraph(params, { bind: 'inputs' as 'input' }))).toMatch(/^INVALID_ARGUMENT: Expected one of/);
    expect(code(() => buildFastStyleGraph(undefined as unknown as FastStyleParams))).toMatch(/^INVALID_ARGUMENT: Expected fast-style parameters/);
  });

  it('with shared statistics, reproduces one pass from tiles that measure them layer by layer', async () => {
    const shared = buildFastStyleGraph(params, { norm: 'shared' });
    expect(fastStyleNormLayers().map((l) => l.name)).toEqual([
      'conv1', 'conv2', 'conv3',
      ...[1, 2, 3, 4, 5].flatMap((r) => [`res${r}.conv1`, `res${r}.conv2`]),
      'deconv1', 'deconv2', 'conv4',
    ]);
    const open = async (outputs: readonly string[]): Promise<Session> => {
      const s = await ort.InferenceSession.create(encodeModel(subgraph(shared, outputs)));
      return wrapOrtSession(s, 'cpu', (t) => new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]));
    };
    const [h, w] = [70, 90];
    const pixels = noiseImage(h, w, 5).data as Float32Array;
    const image = { width: w, height: h, channels: 3 as const, data: new Uint8Array(h * w * 3) };
    for (let p = 0; p < h * w; p++) for (let c = 0; c < 3; c++) image.data[p * 3 + c] = pixels[c * h * w + p]!;
    const whole = await runGraph(buildFastStyleGraph(params), { [FST_INPUT]: new ort.Tensor('float32', imageToTensor(image).data, [1, 3, h, w]) });
    const expected = tensorToImage({ type: 'float32', dims: [1, 3, h, w], data: whole[FST_OUTPUT]!.data as Float32Array });
    const net = { open, input: FST_INPUT, output: FST_OUTPUT, core: FST_TILE_CORE, layers: fastStyleNormLayers(), align: 4 };
    for (const tile of [128, 48]) {
      const r = await runTiled(net, image, { tile, overlap: tile === 128 ? 0 : 48 });
      expect(r.passes).toBe(17);
      const d = absDiff(r.image, expected);
      // One tile, or 2 x 2 tiles whose overlap reaches across the image: exact but for float noise.
      expect(d.mean).toBeLessThan(0.01);
    }
  });
});
