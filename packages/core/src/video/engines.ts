import { invalidParam } from '../errors';
import type { RawImage } from '../image/raw-image';
import type { FrameStylizer } from './frames';

/** Anything with a fast-style `stylize` (a `FastStyle` of any platform). */
interface FastStyleLike {
  stylize(input: RawImage): Promise<RawImage>;
  readonly style?: unknown;
}

/** Anything with an arbitrary-style `stylize` (an `ArbitraryStyle` of any platform) and its style. */
interface ArbitraryStyleLike<S> {
  stylize(content: RawImage, style: S): Promise<RawImage>;
  encodeStyle(style: never): Promise<unknown>;
}

/** What a video can be stylized with: an engine, an arbitrary-style engine with its painting (best as a `StyleCode`, encoded once), or a function. */
export type VideoEngine<S = unknown> = FrameStylizer | FastStyleLike | { readonly engine: ArbitraryStyleLike<S>; readonly style: S };

/** The per-frame function of `engine`. */
export function frameStylizer<S>(engine: VideoEngine<S>): FrameStylizer {
  if (typeof engine === 'function') return engine;
  if (typeof engine !== 'object' || engine === null) throw invalidParam('style', 'a style id, a checkpoint folder, a FastStyle, { engine: ArbitraryStyle, style } or a function of a RawImage', engine);
  if ('engine' in engine && 'style' in engine) return (frame) => engine.engine.stylize(frame, engine.style);
  if ('stylize' in engine && typeof engine.stylize === 'function') return (frame) => engine.stylize(frame);
  throw invalidParam('engine', 'a FastStyle, { engine: ArbitraryStyle, style } or a function of a RawImage', engine);
}

/** An engine opened from a style name: it is disposed when the video is done. */
export interface OpenedEngine {
  stylize(input: RawImage): Promise<RawImage>;
  readonly provider: string;
  dispose(): Promise<void>;
}

/**
 * Runs `body` with the per-frame function of `style`: a name (style id, checkpoint folder) is
 * opened with `open` and disposed afterwards, also on failure; an engine the caller passed stays
 * the caller's. `body` is told the provider of an engine opened here.
 */
export async function withVideoEngine<R>(style: string | VideoEngine, open: (name: string) => Promise<OpenedEngine>, body: (stylize: FrameStylizer, provider: string | undefined) => Promise<R>): Promise<R> {
  const owned = typeof style === 'string' ? await open(style) : undefined;
  try {
    return await body(frameStylizer(owned ?? (style as VideoEngine)), owned?.provider);
  } finally {
    await owned?.dispose();
  }
}
