import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import {
  MICROAST_CONTENT_INPUT,
  MICROAST_FILES,
  MICROAST_OUTPUT,
  MICROAST_STYLE_CODE,
  MICROAST_STYLE_INPUT,
  buildStyleCodeGraph,
  buildStylizeGraph,
  type MicroAstParams,
} from '../../src/ast/network';
import { readTorchCheckpoint } from '../../src/ast/torch-checkpoint';
import { ImpastoError } from '../../src/errors';
import type { Graph } from '../../src/onnx/graph';
import { encodeModel } from '../../src/onnx/serialize';
import type { TensorData } from '../../src/onnx/tensor';

const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(__dirname, '../../../../../shared/weights');
const MICROAST = join(WEIGHTS, 'microast');
const REFERENCE = join(MICROAST, 'reference');

interface ReferenceCase {
  name: string;
  content: { file: string; width: number; height: number };
  style: { file: string; width: number; height: number };
  output: { file: string; shape: [number, number, number, number] };
  signals: { file: string; shape: [number, number] };
}

const CASES = (JSON.parse(readFileSync(join(REFERENCE, 'reference.json'), 'utf8')) as { cases: ReferenceCase[] }).cases;

function checkpoint(part: keyof typeof MICROAST_FILES): Map<string, TensorData<'float32'>> {
  const file = join(MICROAST, MICROAST_FILES[part]);
  const b = readFileSync(file);
  return readTorchCheckpoint(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), file);
}

function floats(file: string): Float32Array {
  const b = readFileSync(join(REFERENCE, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** A reference PNG as the authors feed it: RGB u8 / 255, NCHW [1, 3, H, W]. */
async function picture(file: string): Promise<ort.Tensor> {
  const { data, info } = await sharp(join(REFERENCE, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h, channels } = info;
  expect(channels).toBe(3);
  const out = new Float32Array(3 * h * w);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) out[c * h * w + i] = data[i * 3 + c]! / 255;
  return new ort.Tensor('float32', out, [1, 3, h, w]);
}

/** A reproducible image on 0..1 (mulberry32), NCHW [1, 3, h, w]. */
function noise(h: number, w: number, seed: number): ort.Tensor {
  let a = seed >>> 0;
  const data = Float32Array.from({ length: 3 * h * w }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
  return new ort.Tensor('float32', data, [1, 3, h, w]);
}

/** Max |ours − theirs| over our [1, C, H, W], `theirs` being [1, C, H', W'] with H' ≥ H, W' ≥ W, from row `dy`. */
function maxDiffCropped(ours: ort.Tensor, theirs: Float32Array, theirShape: readonly number[], dy = 0): number {
  const [, c, h, w] = ours.dims as number[];
  const [, , th, tw] = theirShape;
  const a = ours.data as Float32Array;
  let worst = 0;
  for (let k = 0; k < c!; k++) {
    for (let y = 0; y < h!; y++) {
      for (let x = 0; x < w!; x++) {
        const d = Math.abs(a[(k * h! + y) * w! + x]! - theirs[(k * th! + y + dy) * tw! + x]!);
        if (!(d <= worst)) worst = d;
      }
    }
  }
  return worst;
}

type Code = Record<string, ort.Tensor>;

const opsOf = (g: Graph, scope: string) => g.nodes.filter((n) => n.name.startsWith(`${scope}/`)).map((n) => n.opType);
const firstNode = (g: Graph, scope: string) => g.nodes.findIndex((n) => n.name.startsWith(`${scope}/`));

describe('MicroAST network', () => {
  const styleEncoder = checkpoint('styleEncoder');
  const modulator = checkpoint('modulator');
  const contentEncoder = checkpoint('contentEncoder');
  const decoder = checkpoint('decoder');
  const styleCodeGraph = buildStyleCodeGraph({ styleEncoder, modulator });
  const stylizeGraph = buildStylizeGraph({ contentEncoder, decoder });
  let codeSession: ort.InferenceSession;
  let stylizeSession: ort.InferenceSession;

  // One session per graph serves every test and every size: height and width are dynamic.
  beforeAll(async () => {
    codeSession = await ort.InferenceSession.create(encodeModel(styleCodeGraph));
    stylizeSession = await ort.InferenceSession.create(encodeModel(stylizeGraph));
  });
  afterAll(async () => {
    await codeSession?.release();
    await stylizeSession?.release();
  });

  const styleCode = async (style: ort.Tensor): Promise<Code> => (await codeSession.run({ [MICROAST_STYLE_INPUT]: style })) as Code;
  const stylize = async (content: ort.Tensor, code: Code): Promise<ort.Tensor> => {
    const feeds: Record<string, ort.Tensor> = { [MICROAST_CONTENT_INPUT]: content };
    for (const name of MICROAST_STYLE_CODE) feeds[name] = code[name]!;
    return (await stylizeSession.run(feeds))[MICROAST_OUTPUT]!;
  };

  it('names the four checkpoints and the graphs’ inputs and outputs', () => {
    expect(Object.values(MICROAST_FILES).sort()).toEqual([
      'content_encoder_iter_160000.pth.tar',
      'decoder_iter_160000.pth.tar',
      'modulator_iter_160000.pth.tar',
      'style_encoder_iter_160000.pth.tar',
    ]);
    const code = MICROAST_STYLE_CODE.map((name) => [name, [1, 64, 1, 1]]);
    expect(styleCodeGraph.inputs.map((i) => [i.name, i.shape])).toEqual([[MICROAST_STYLE_INPUT, [1, 3, 'sh', 'sw']]]);
    expect(styleCodeGraph.outputs.map((o) => [o.name, o.shape])).toEqual(code);
    expect(stylizeGraph.inputs.map((i) => [i.name, i.shape])).toEqual([[MICROAST_CONTENT_INPUT, [1, 3, 'h', 'w']], ...code]);
    expect(stylizeGraph.outputs.map((o) => [o.name, o.shape])).toEqual([[MICROAST_OUTPUT, [1, 3, 'h', 'w']]]);
    // Every tensor of the four checkpoints is a parameter, under its state-dict name.
    expect(styleCodeGraph.initializers.get('style_encoder.enc1.0.conv_layer.weight')).toBe(styleEncoder.get('enc1.0.conv_layer.weight'));
    expect(styleCodeGraph.initializers.get('modulator.bias2.0.conv_layer.bias')).toBe(modulator.get('bias2.0.conv_layer.bias'));
    expect(stylizeGraph.initializers.get('decoder.dec3.10.conv_layer.weight')).toBe(decoder.get('dec3.10.conv_layer.weight'));
    const params = (g: Graph, prefix: string) => [...g.initializers.keys()].filter((k) => k.startsWith(prefix)).length;
    expect([params(styleCodeGraph, 'style_encoder.'), params(styleCodeGraph, 'modulator.')]).toEqual([styleEncoder.size, modulator.size]);
    expect([params(stylizeGraph, 'content_encoder.'), params(stylizeGraph, 'decoder.')]).toEqual([contentEncoder.size, decoder.size]);
    expect([styleEncoder.size, modulator.size, contentEncoder.size, decoder.size]).toEqual([18, 8, 18, 18]);
  });

  it('is built from the named blocks of the paper’s figure', () => {
    const g = stylizeGraph;
    // Encoder: reflection-padded convs (grouped where the diagram says so), two plain residuals.
    expect(opsOf(g, 'content_encoder/enc1.0')).toEqual(['Pad', 'Conv']);
    expect(opsOf(g, 'content_encoder/enc1.4')).toEqual(['Conv']); // 1×1: no padding
    expect(opsOf(g, 'content_encoder/enc1.10')).toEqual(['Pad', 'Conv', 'Relu', 'Pad', 'Conv', 'Add']);
    const node = (scope: string, op: string) => g.nodes.find((n) => n.name.startsWith(`${scope}/`) && n.opType === op)!;
    expect(node('content_encoder/enc1.2', 'Conv').attributes).toEqual({ kernel_shape: [3, 3], strides: [2, 2], group: 16 });
    expect(node('content_encoder/enc1.0', 'Pad').attributes).toEqual({ mode: 'reflect' });
    expect(g.initializers.get(node('content_encoder/enc1.0', 'Pad').inputs[1]!)!.data).toEqual(BigInt64Array.from([0n, 0n, 4n, 4n, 0n, 0n, 4n, 4n]));
    // Decoder: AdaIN, modulated residual, AdaIN, modulated residual, then upsampling convs.
    expect(opsOf(g, 'decoder/dec1')).toEqual(['Pad', 'Conv', 'Mul', 'Mul', 'Add', 'Relu', 'Pad', 'Conv', 'Mul', 'Mul', 'Add', 'Add']);
    expect(opsOf(g, 'decoder/adain1')).not.toContain('InstanceNormalization');
    expect(opsOf(g, 'decoder/dec3.0')).toEqual(['Resize']);
    expect(node('decoder/dec3.5', 'Resize').attributes).toEqual({ mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
    expect(node('decoder/dec3.6', 'Conv').attributes).toEqual({ kernel_shape: [3, 3], strides: [1, 1], group: 16 });
    const blocks = ['content_encoder/enc1.0', 'content_encoder/enc2.0', 'decoder/adain1', 'decoder/dec1', 'decoder/adain2', 'decoder/dec2',
      'decoder/dec3.0', 'decoder/dec3.1', 'decoder/dec3.5', 'decoder/dec3.10', 'crop'].map((b) => firstNode(g, b));
    expect(blocks.every((i, k) => i >= 0 && (k === 0 || i > blocks[k - 1]!))).toBe(true);
    // Modulator: a depthwise 3×3 and a global mean per signal.
    expect(opsOf(styleCodeGraph, 'modulator/weight1')).toEqual(['Pad', 'Conv', 'GlobalAveragePool']);
    const dw = styleCodeGraph.nodes.find((n) => n.name.startsWith('modulator/bias2/') && n.opType === 'Conv')!;
    expect(dw.attributes).toEqual({ kernel_shape: [3, 3], strides: [1, 1], group: 64 });
  });

  describe.each(CASES.map((c) => [c.name, c] as const))('reference case %s', (_, ref) => {
    it(`matches the authors’ float32 output (${ref.content.width}x${ref.content.height} content, ${ref.style.width}x${ref.style.height} style)`, async () => {
      const code = await styleCode(await picture(ref.style.file));
      const signals = floats(ref.signals.file);
      let signalDiff = 0;
      ['w1', 'b1', 'w2', 'b2'].forEach((name, row) => {
        const got = code[name]!.data as Float32Array;
        expect(code[name]!.dims).toEqual([1, 64, 1, 1]);
        for (let i = 0; i < 64; i++) signalDiff = Math.max(signalDiff, Math.abs(got[i]! - signals[row * 64 + i]!));
      });
      expect(signalDiff).toBeLessThanOrEqual(1e-4);
      for (const name of ['f1_std', 'f2_std']) expect(Array.from(code[name]!.data as Float32Array).every((s) => s > 0)).toBe(true);

      const y = await stylize(await picture(ref.content.file), code);
      expect(y.dims).toEqual([1, 3, ref.content.height, ref.content.width]);
      const theirs = floats(ref.output.file);
      const outputDiff = maxDiffCropped(y, theirs, ref.output.shape);
      expect(outputDiff).toBeLessThanOrEqual(1e-3);
      // Not clamped: the authors' output leaves 0..1 and so does ours.
      const values = y.data as Float32Array;
      expect(values.some((v) => v < 0 || v > 1)).toBe(true);
    });
  });

  it('keeps the first rows of the authors’ larger output (case B: 250 of 252 rows)', async () => {
    const ref = CASES.find((c) => c.name === 'B')!;
    expect([ref.content.height, ref.output.shape[2]]).toEqual([250, 252]);
    const y = await stylize(await picture(ref.content.file), await styleCode(await picture(ref.style.file)));
    expect(y.dims).toEqual([1, 3, 250, 384]);
    const theirs = floats(ref.output.file);
    expect(maxDiffCropped(y, theirs, ref.output.shape, 0)).toBeLessThanOrEqual(1e-3);
    // Their rows 1…250 or 2…251 do not match: the alignment is the first rows, not centred or last.
    expect(maxDiffCropped(y, theirs, ref.output.shape, 1)).toBeGreaterThan(0.01);
    expect(maxDiffCropped(y, theirs, ref.output.shape, 2)).toBeGreaterThan(0.01);
  });

  it('reuses a style code computed once exactly as if computed again for each content', async () => {
    const [a, b] = [CASES[0]!, CASES[1]!];
    const style = await picture(a.style.file);
    const once = await styleCode(style);
    const contents = [await picture(a.content.file), await picture(b.content.file)];
    const reused = [await stylize(contents[0]!, once), await stylize(contents[1]!, once)];
    const fresh = [await stylize(contents[0]!, await styleCode(style)), await stylize(contents[1]!, await styleCode(style))];
    for (let i = 0; i < 2; i++) {
      expect(reused[i]!.dims).toEqual(fresh[i]!.dims);
      expect(maxDiffCropped(reused[i]!, fresh[i]!.data as Float32Array, fresh[i]!.dims)).toBe(0);
    }
    // The code does carry the style: another style's code gives another picture.
    const other = await stylize(contents[0]!, await styleCode(await picture(CASES[2]!.style.file)));
    expect(maxDiffCropped(other, reused[0]!.data as Float32Array, reused[0]!.dims)).toBeGreaterThan(0.05);
  });

  it('takes any size, content and style sizes unrelated, and returns the content’s size', async () => {
    for (const [[ch, cw], [sh, sw]] of [
      [[37, 50], [29, 41]],
      [[50, 37], [41, 29]],
      [[5, 5], [5, 5]],
      [[61, 7], [13, 90]],
    ] as const) {
      const code = await styleCode(noise(sh, sw, sh * 1000 + sw));
      for (const name of MICROAST_STYLE_CODE) expect(code[name]!.dims).toEqual([1, 64, 1, 1]);
      const y = await stylize(noise(ch, cw, ch * 1000 + cw), code);
      expect(y.dims).toEqual([1, 3, ch, cw]);
      const values = y.data as Float32Array;
      expect(values.every(Number.isFinite)).toBe(true);
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.05);
    }
  });

  describe('rejects parameters that do not fit, naming the tensor', () => {
    const without = (m: MicroAstParams, name: string) => new Map([...m].filter(([k]) => k !== name));
    const withTensor = (m: MicroAstParams, name: string, t: TensorData<'float32'>) => new Map([...m, [name, t]]);
    const error = (f: () => unknown): ImpastoError => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ImpastoError);
        return e as ImpastoError;
      }
      throw new Error('expected an ImpastoError');
    };

    it('a missing tensor', () => {
      const e = error(() => buildStylizeGraph({ contentEncoder, decoder: without(decoder, 'dec3.10.conv_layer.bias') }));
      expect(e.code).toBe('BAD_MODEL');
      expect(e.message).toContain('dec3.10.conv_layer.bias');
      expect(e.message).toContain('decoder_iter_160000.pth.tar');
      const m = error(() => buildStyleCodeGraph({ styleEncoder, modulator: without(modulator, 'weight2.0.conv_layer.weight') }));
      expect([m.code, m.message.includes('weight2.0.conv_layer.weight')]).toEqual(['BAD_MODEL', true]);
    });

    it('a misshaped tensor', () => {
      const bad = { type: 'float32' as const, dims: [32, 16, 3, 3], data: new Float32Array(32 * 16 * 9) };
      const e = error(() => buildStyleCodeGraph({ styleEncoder: withTensor(styleEncoder, 'enc1.2.conv_layer.weight', bad), modulator }));
      expect(e.code).toBe('BAD_MODEL');
      expect(e.message).toContain('enc1.2.conv_layer.weight is float32 [32, 16, 3, 3]; the network needs float32 [32, 1, 3, 3]');
    });

    it('a tensor the network does not have, or the wrong checkpoint', () => {
      const extra = withTensor(contentEncoder, 'enc3.0.conv_layer.weight', contentEncoder.get('enc1.10.conv1.conv_layer.weight')!);
      const e = error(() => buildStylizeGraph({ contentEncoder: extra, decoder }));
      expect([e.code, e.message.includes('enc3.0.conv_layer.weight')]).toEqual(['BAD_MODEL', true]);
      const swapped = error(() => buildStylizeGraph({ contentEncoder: decoder, decoder: contentEncoder }));
      expect(swapped.code).toBe('BAD_MODEL');
      expect(swapped.message).toContain('parameters (content_encoder_iter_160000.pth.tar) lack enc1.0.conv_layer.weight');
    });

    it('a part that is not there', () => {
      const e = error(() => buildStyleCodeGraph({ styleEncoder } as unknown as Parameters<typeof buildStyleCodeGraph>[0]));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('params.modulator');
    });
  });
});
