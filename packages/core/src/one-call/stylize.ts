import type { ArbitraryStyle, ArbitraryStyleClass } from '../ast/arbitrary-style';
import { type StyleCode, isStyleCode } from '../ast/style-code';
import { ImpastoError, invalidParam } from '../errors';
import type { FastStyle, FastStyleClass } from '../fst/fast-style';
import { FAST_STYLE_LOAD_SCHEMA } from '../fst/options';
import { type StyleName, STYLE_IDS, isStyleId } from '../fst/styles';
import type { RawImage } from '../image/raw-image';
import type { ArbitraryStylizeOptions, FastStyleLoadOptions, ResolvedFastStyleLoadOptions, StylizeOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { type EnginePool, engineKey } from '../pool/engine-pool';
import { arbitraryStyleKey, fastStyleKey } from '../pool/engine-keys';
import { type Platform, checkContext } from '../runtime/platform';
import type { WeightSource } from '../store/source';
import type { StylizeContext } from '../tiles/tiled-run';

/** A style for `stylize`: a pretrained id, a checkpoint folder, a network's `WeightSource`, or any painting (an image or a `StyleCode`). */
export type StyleChoice<In> = StyleName | WeightSource | StyleCode | In | RawImage;

/**
 * `stylize`'s options: the style, the options of the engine it picks (fast style's, or arbitrary
 * style's for a painting: `strength`, `styleSize`, `styleScale`), and how the engine is loaded.
 */
export interface OneCallOptions<In> extends StylizeOptions, Pick<ArbitraryStylizeOptions, 'strength' | 'styleSize' | 'styleScale'> {
  readonly style: StyleChoice<In>;
  /** How its engine is loaded (provider, precision, threads); engines are kept warm by these and the weights. */
  readonly load?: FastStyleLoadOptions;
}

/** What a platform binds `stylize` to. */
export interface OneCallParts<In, Enc> {
  readonly platform: Platform<In, Enc>;
  readonly pool: EnginePool;
  readonly FastStyle: FastStyleClass<FastStyle<In, Enc>> & { load(style: StyleName | WeightSource, o?: FastStyleLoadOptions, c?: object): Promise<FastStyle<In, Enc>> };
  readonly ArbitraryStyle: ArbitraryStyleClass<ArbitraryStyle<In, Enc>> & { load(o?: object, c?: object): Promise<ArbitraryStyle<In, Enc>> };
  /** Whether a string names a painting rather than a style (Node: an image file's name). */
  readonly isPaintingName?: (s: string) => boolean;
}

const isWeightSource = (x: unknown): x is WeightSource => typeof x === 'object' && x !== null && typeof (x as WeightSource).read === 'function' && typeof (x as WeightSource).location === 'string';

const PAINTING_ONLY = ['strength', 'styleSize', 'styleScale'] as const;

/**
 * Stylizes `input` with `options.style` in one call, on engines kept warm in `parts.pool`: a
 * pretrained id or a checkpoint folder (fast style), or any painting (arbitrary style). Options are
 * checked before anything is loaded. Errors: `UNKNOWN_STYLE` (listing the ids), the engines' own.
 */
export async function oneCallStylize<In, Enc>(parts: OneCallParts<In, Enc>, input: In | RawImage, options: OneCallOptions<In>, context: StylizeContext = {}): Promise<RawImage> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidParam('options', 'an object with a style', options);
  checkContext(context);
  const { style, load = {}, ...rest } = options;
  if (style === undefined || style === null) throw invalidParam('style', `a style id (${STYLE_IDS.join(', ')}), a checkpoint folder or a painting`, style);
  const { platform, pool } = parts;
  const signal = context.signal;
  const fast = async (key: string, name: StyleName | WeightSource) => {
    for (const k of PAINTING_ONLY) {
      if (rest[k] !== undefined) throw new ImpastoError('INVALID_ARGUMENT', `${k} applies to a painting (arbitrary style); a fast style has its painting built in`);
    }
    return pool.use(key, () => parts.FastStyle.load(name, load, { signal }), (fst) => fst.stylize(input, rest, context));
  };
  if (typeof style === 'string') {
    if (isStyleId(style) || platform.checkpointFolder?.(style)) return fast(await fastStyleKey(platform, style, load), style as StyleName);
    if (!parts.isPaintingName?.(style)) {
      throw new ImpastoError('UNKNOWN_STYLE', `Unknown style '${style.slice(0, 60)}'; valid styles: ${STYLE_IDS.join(', ')}, a checkpoint folder (a path with a slash), or a painting${parts.isPaintingName ? ' (an image file)' : ''}`);
    }
  } else if (isWeightSource(style)) {
    const o = resolveOptions<ResolvedFastStyleLoadOptions>(FAST_STYLE_LOAD_SCHEMA, load, { platform: platform.kind });
    return fast(engineKey('fst', o, `source:${style.location}:${(await style.fingerprint?.()) ?? ''}`), style);
  }
  const { precision: _p, ...astLoad } = load;
  const painting = style as In | RawImage | StyleCode;
  return pool.use(await arbitraryStyleKey(platform, astLoad), () => parts.ArbitraryStyle.load(astLoad, { signal }), (ast) =>
    ast.stylize(input, isStyleCode(painting) ? painting : (painting as In | RawImage), rest, context),
  );
}
