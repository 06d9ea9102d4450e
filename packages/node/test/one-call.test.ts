// The one call for the common case: a pretrained style, a checkpoint folder or any painting, on
// engines kept warm between calls.
import { join } from 'node:path';
import { ArbitraryStyle, FastStyle, ModelStore, engines, env, stylize } from '../src';
import { CONTENT, SHARED, WEIGHTS, tempDir } from './helpers';

const PHOTO = join(CONTENT, 'ml5_harriet_128x128.jpg');
const PAINTING = join(SHARED, 'images/style/jcjohnson_starry_night.jpg');

describe('stylize(input, { style })', () => {
  const saved = { ...env };
  beforeAll(() => {
    env.weights = WEIGHTS;
    env.cache = tempDir('impasto-one-call-cache-');
    env.allowDownloads = false;
  });
  afterAll(async () => {
    Object.assign(env, saved);
    await engines.dispose();
  });
  const store = () => new ModelStore({ cacheDir: tempDir(), mirror: WEIGHTS, download: false });

  it('a pretrained id: the pixels FastStyle gives, the engine kept warm for the next call', async () => {
    const out = await stylize(PHOTO, { style: 'wave', maxSize: 64 });
    const fst = await FastStyle.load('wave', {}, { store: store() });
    expect(Buffer.from(out.data).equals(Buffer.from((await fst.stylize(PHOTO, { maxSize: 64 })).data))).toBe(true);
    await fst.dispose();
    const keys = engines.keys();
    const t0 = performance.now();
    await stylize(PHOTO, { style: 'wave', maxSize: 64 });
    expect(engines.keys()).toEqual(keys);
    console.log(`one call, warm: ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('a painting file: arbitrary style, with its options', async () => {
    const out = await stylize(PHOTO, { style: PAINTING, maxSize: 64, strength: 0.7 });
    const ast = await ArbitraryStyle.load({}, { store: store() });
    expect(Buffer.from(out.data).equals(Buffer.from((await ast.stylize(PHOTO, PAINTING, { maxSize: 64, strength: 0.7 })).data))).toBe(true);
    await ast.dispose();
  });

  it('a checkpoint folder', async () => {
    const out = await stylize(PHOTO, { style: `${join(WEIGHTS, 'fst', 'udnie')}/`, maxSize: 48 });
    expect([out.width, out.height]).toEqual([48, 48]);
  });

  it('refuses a typo with the ids, painting options on a fast style, and an aborted signal before any load', async () => {
    await expect(stylize(PHOTO, { style: 'wavee' })).rejects.toMatchObject({ code: 'UNKNOWN_STYLE', message: expect.stringMatching(/^Unknown style 'wavee'; valid styles: la_muse, .*wreck, a checkpoint folder \(a path with a slash\), or a painting \(an image file\)$/) });
    await expect(stylize(PHOTO, { style: 'wave', strength: 0.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/strength applies to a painting/) });
    const before = engines.size;
    const ac = new AbortController();
    ac.abort();
    await expect(stylize(PHOTO, { style: 'udnie' }, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(engines.size).toBe(before);
  });
});
