/**
 * The browser NST helpers that need no browser: the loss net loaded over the web weight source
 * (only the files its layers need) and the mapping of wasm/ORT allocation failures to an
 * `IMAGE_TOO_LARGE` error that suggests a size. The sources are required untyped (see weights.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImpastoError, type ModelStore, getModel, isOutOfMemory, outOfMemoryHint, type WeightSource } from '@impasto/core/platform';
import { LOSS_NET_DEFAULTS, loadLossNet, type LossNetName } from '@impasto/core/nst';

type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;
const web = require('../src/platform/cache-store') as {
  ModelStore: new (o?: { weightsBaseUrl?: string; fetch?: FetchLike; cache?: boolean }) => ModelStore;
};
const fetchSource = (id: string, o: { baseUrl?: string; fetch?: FetchLike; cache?: boolean }): WeightSource =>
  new web.ModelStore({ weightsBaseUrl: o.baseUrl, fetch: o.fetch, cache: o.cache }).source(id);

/** What the engine loads for a net's default layers, as in the browser. */
function loadNet(name: LossNetName, source: WeightSource) {
  const d = LOSS_NET_DEFAULTS[name];
  return loadLossNet(name, source, [d.content, ...d.style]);
}
const ns = {
  isOutOfMemory,
  outOfMemoryError: (e: unknown, w: number, h: number, net: string) =>
    outOfMemoryHint(new ImpastoError('IMAGE_TOO_LARGE', String(e), { cause: e }), { width: w, height: h }, { what: 'neural style transfer', sizeOption: 'size', using: net }) as ImpastoError,
};

const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(__dirname, '../../../../shared/weights');
const haveMirror = existsSync(join(WEIGHTS, 'squeezenet1_1-caffe')) && existsSync(join(WEIGHTS, 'vgg19-tfjs-uint8'));

/** fetchSource over the local mirror, recording the files asked for. */
function mirrorSource(id: string): { source: WeightSource; files: string[] } {
  const files: string[] = [];
  const fetch: FetchLike = async (url) => {
    const path = url.replace('http://mirror.invalid/', '');
    files.push(path.slice(id.length + 1));
    return new Response(readFileSync(join(WEIGHTS, path)));
  };
  return { source: fetchSource(id, { baseUrl: 'http://mirror.invalid/', fetch, cache: false }), files };
}

(haveMirror ? describe : describe.skip)('loss nets over the web model store', () => {
  it('loads SqueezeNet with only the files its default layers need', async () => {
    const { source, files } = mirrorSource('squeezenet1_1-caffe');
    const net = await loadNet('squeezenet', source);
    expect(net.id).toBe('squeezenet1_1-caffe');
    expect(net.defaultContentLayer).toBe('fire2');
    const all = Object.keys(getModel('squeezenet1_1-caffe').files);
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThan(all.length);
  });

  it('loads VGG19 (uint8) reading only the shards up to relu5_1', async () => {
    const { source, files } = mirrorSource('vgg19-tfjs-uint8');
    const net = await loadNet('vgg19', source);
    expect(net.id).toBe('vgg19-tfjs-uint8');
    expect(files.length).toBeLessThan(Object.keys(getModel('vgg19-tfjs-uint8').files).length);
  });
});

describe('out-of-memory errors', () => {
  it('recognises wasm and ORT allocation failures, also as a cause', () => {
    expect(ns.isOutOfMemory(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'))).toBe(true);
    expect(ns.isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(ns.isOutOfMemory(new Error("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Failed to allocate memory for requested buffer of size 123"))).toBe(true);
    expect(ns.isOutOfMemory(new ImpastoError('BAD_MODEL', 'could not run', { cause: new Error('failed to allocate 64 MB') }))).toBe(true);
    expect(ns.isOutOfMemory(new Error('Aborted(OOM)'))).toBe(true);
    expect(ns.isOutOfMemory(new RangeError('Maximum call stack size exceeded'))).toBe(false);
    expect(ns.isOutOfMemory(new ImpastoError('ABORTED', 'stopped after 3 of 20 iterations'))).toBe(false);
  });

  it('says which size would fit', () => {
    const e = ns.outOfMemoryError(new Error('Failed to allocate'), 1024, 683, 'vgg19');
    expect(e).toBeInstanceOf(ImpastoError);
    expect(e.code).toBe('IMAGE_TOO_LARGE');
    expect(e.message).toMatch(/1024x683 with vgg19/);
    expect(e.message).toMatch(/try size 512 \(the longest side is 1024\)/);
    expect(e.messageFor((o, v) => `--${o}${v === undefined ? '' : ` ${v}`}`)).toMatch(/try --size 512 \(/);
  });
});
