/**
 * One behavioural suite for the product, run unchanged on both platforms: in Node with
 * @impasto/node (packages/web/test/conformance.test.ts calls it directly) and in headless Chromium
 * with @impasto/web (the page in packages/web/test/conformance-page bundles this file). Each case
 * returns plain data; the test compares the platforms' answers and checks each on its own.
 */
import type { NeuralStyleLoadOptions, NeuralStyleRunOptions, NstEvent, NstResult, RawImage, Run, StylizeOptions } from '@impasto/core/platform';

/** The slice of a platform package the cases use: the same names on both. */
export interface ImpastoUnderTest {
  readonly platform: 'node' | 'web';
  /** The CPU provider there: cpu in Node, wasm in the browser. */
  readonly ep: 'cpu' | 'wasm';
  readonly FastStyle: {
    load(style: 'wave' | 'udnie', options?: { ep?: 'cpu' | 'wasm' }, context?: { store?: unknown }): Promise<{
      readonly provider: string;
      stylize(input: RawImage, options?: StylizeOptions, context?: { onProgress?: (p: { pass: number; passes: number }) => void }): Promise<RawImage>;
      stylizeWithInfo(input: RawImage, options?: StylizeOptions, context?: { onProgress?: (p: { pass: number; passes: number }) => void }): Promise<{ image: RawImage; tiles: number }>;
      stylizeEncoded(input: RawImage, options?: StylizeOptions): Promise<unknown>;
      dispose(): Promise<void>;
    }>;
  };
  readonly NeuralStyle: {
    load(options?: NeuralStyleLoadOptions, context?: { store?: unknown }): Promise<{
      readonly loadMs: number;
      run(inputs: { content?: RawImage; style?: RawImage | readonly { style: RawImage; weight: number }[] }, options?: NeuralStyleRunOptions): Run<NstEvent, NstResult>;
      dispose(): Promise<void>;
    }>;
  };
  readonly ArbitraryStyle: {
    load(options?: { ep?: 'cpu' | 'wasm' }, context?: { store?: unknown }): Promise<{
      readonly provider: string;
      encodeStyle(style: RawImage, options?: { styleSize?: number }): Promise<unknown>;
      stylize(content: RawImage, style: unknown, options?: { strength?: number; tile?: number; preserveColors?: 'none' | 'luminance' | 'histogram'; styleScale?: number }): Promise<RawImage>;
      stylizeWithInfo(content: RawImage, style: unknown, options?: { strength?: number; tile?: number; preserveColors?: 'none' | 'luminance' | 'histogram'; styleScale?: number }): Promise<{ image: RawImage; tiles: number }>;
      dispose(): Promise<void>;
    }>;
  };
  /** A store over the weights mirror with downloads off. */
  readonly store: unknown;
}

export interface Fixtures {
  /** A photo and a painting, decoded once in Node and handed to both platforms as pixels. */
  readonly photo: RawImage;
  readonly painting: RawImage;
}

/** Pixels as plain numbers, so they cross from the page as JSON. */
export interface PlainImage {
  width: number;
  height: number;
  channels: number;
  data: number[];
}

const plain = (img: RawImage): PlainImage => ({ width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) });

async function errorOf(p: () => Promise<unknown>): Promise<string> {
  try {
    await p();
    return 'no error';
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
}

async function collect(run: Run<NstEvent, NstResult>) {
  const losses: number[] = [];
  const terms: Record<string, number>[] = [];
  const checkpoints: number[] = [];
  for await (const e of run.events) {
    if (e.type === 'progress') {
      losses.push(e.loss);
      terms.push({ ...e.terms });
    } else checkpoints.push(e.iteration);
  }
  const r = await run.result;
  return { losses, terms, checkpoints, image: plain(r.image), iterations: r.iterations, provider: r.provider, startupMs: r.startupMs };
}

/** The cases, by name. Each returns what the test compares across platforms. */
export const CASES = {
  /** wave on the photo: the stylized pixels. */
  async fastStyle(api: ImpastoUnderTest, fx: Fixtures) {
    const fst = await api.FastStyle.load('wave', { ep: api.ep }, { store: api.store });
    const out = await fst.stylize(fx.photo);
    const odd = await fst.stylize({ data: new Uint8Array(33 * 18 * 4).fill(200), width: 33, height: 18, channels: 4 });
    const shrunk = await fst.stylize(fx.photo, { maxSize: 40 });
    const provider = fst.provider;
    await fst.dispose();
    return { provider, image: plain(out), odd: [odd.width, odd.height, odd.channels, odd.data[3]], shrunk: [shrunk.width, shrunk.height] };
  },

  /** The same bad options give the same error, before any work, on both platforms. */
  async badOptions(api: ImpastoUnderTest, fx: Fixtures) {
    const fst = await api.FastStyle.load('udnie', { ep: api.ep }, { store: api.store });
    const errors = [
      await errorOf(() => fst.stylize(fx.photo, { quality: 101 })),
      await errorOf(() => fst.stylize(fx.photo, { maxSize: 0 })),
      await errorOf(() => fst.stylize(fx.photo, { format: 'bogus' as never })),
      await errorOf(() => fst.stylize(fx.photo, { maxPixels: 100 })),
      await errorOf(() => fst.stylize(fx.photo, { iterations: 3 } as never)),
      await errorOf(() => api.FastStyle.load('monet' as 'wave', {}, { store: api.store })),
      await errorOf(() => api.NeuralStyle.load({ net: 'resnet' as never }, { store: api.store })),
    ];
    await fst.dispose();
    errors.push(await errorOf(() => fst.stylize(fx.photo)));
    return { errors };
  },

  /**
   * 20 SqueezeNet iterations from the content photo, then a second run on the same engine. The
   * size is the fixtures' own, so neither platform resamples (their resize filters differ).
   */
  async neuralStyle(api: ImpastoUnderTest, fx: Fixtures) {
    const nst = await api.NeuralStyle.load({ net: 'squeezenet', ep: api.ep }, { store: api.store });
    const size = Math.max(fx.photo.width, fx.photo.height);
    const options: NeuralStyleRunOptions = { size, styleSize: Math.max(fx.painting.width, fx.painting.height), iterations: 20, checkpointEvery: 8, seed: 1 };
    const first = await collect(nst.run({ content: fx.photo, style: fx.painting }, options));
    const second = await collect(nst.run({ content: fx.photo, style: fx.painting }, options));
    const loadMs = nst.loadMs;
    await nst.dispose();
    return { first, secondLosses: second.losses, secondStartupMs: second.startupMs, loadMs };
  },

  /** Any painting in one pass (MicroAST): the painting at its own size, a style code reused, strength. */
  async arbitraryStyle(api: ImpastoUnderTest, fx: Fixtures) {
    const ast = await api.ArbitraryStyle.load({ ep: api.ep }, { store: api.store });
    const code = await ast.encodeStyle(fx.painting);
    const out = await ast.stylize(fx.photo, code);
    const half = await ast.stylize(fx.photo, code, { strength: 0.5 });
    const provider = ast.provider;
    await ast.dispose();
    return { provider, image: plain(out), half: plain(half) };
  },

  /**
   * The large-image and control options through each platform's library: fast and arbitrary
   * style in tiles (against one pass), NST tiled, coarse to fine with two blended paintings,
   * colours kept, the painting scaled to the photo.
   */
  async controls(api: ImpastoUnderTest, fx: Fixtures) {
    const fst = await api.FastStyle.load('wave', { ep: api.ep }, { store: api.store });
    const whole = await fst.stylize(fx.photo);
    let passes = 0;
    const { image: tiled, tiles: fstTiles } = await fst.stylizeWithInfo(fx.photo, { tile: 64 }, { onProgress: (p) => (passes = p.passes) });
    await fst.dispose();
    const ast = await api.ArbitraryStyle.load({ ep: api.ep }, { store: api.store });
    const astWhole = await ast.stylize(fx.photo, fx.painting, { preserveColors: 'luminance', styleScale: 0.5 });
    const { image: astTiled, tiles: astTiles } = await ast.stylizeWithInfo(fx.photo, fx.painting, { preserveColors: 'luminance', styleScale: 0.5, tile: 64 });
    await ast.dispose();
    const nst = await api.NeuralStyle.load({ net: 'squeezenet', ep: api.ep }, { store: api.store });
    const size = Math.max(fx.photo.width, fx.photo.height);
    const blended = [{ style: fx.painting, weight: 0.7 }, { style: fx.photo, weight: 0.3 }];
    const coarse = await collect(nst.run({ content: fx.photo, style: blended }, { size, startSize: 48, iterations: 3, topIterations: 2, checkpointEvery: 0, preserveColors: 'histogram' }));
    const inTiles = await nst.run({ content: fx.photo, style: fx.painting }, { size, iterations: 3, checkpointEvery: 0, tile: 64 }).result;
    await nst.dispose();
    return {
      fst: { tiles: fstTiles, passes, image: plain(tiled), whole: plain(whole) },
      ast: { tiles: astTiles, image: plain(astTiled), whole: plain(astWhole) },
      coarse: { iterations: coarse.iterations, losses: coarse.losses.length, width: coarse.image.width },
      tiledNst: { tile: inTiles.tile, loss: inTiles.loss, width: inTiles.image.width },
    };
  },

  /** Style reconstruction from noise (no content image), 10 Adam steps. */
  async styleFromNoise(api: ImpastoUnderTest, fx: Fixtures) {
    const nst = await api.NeuralStyle.load({ net: 'squeezenet', ep: api.ep, mode: 'style', styleLayers: ['fire3', 'fire4'] }, { store: api.store });
    const r = await collect(nst.run({ style: fx.painting }, { styleSize: Math.max(fx.painting.width, fx.painting.height), iterations: 10, checkpointEvery: 0, seed: 7 }));
    await nst.dispose();
    return r;
  },
};

export type CaseName = keyof typeof CASES;

