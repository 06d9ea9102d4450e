import { EnginePool, type OneCallOptions, type RawImage, type StylizeContext, oneCallStylize } from '@impasto/core/platform';
import { ArbitraryStyle } from './arbitrary-style';
import { FastStyle } from './fast-style';
import { webPlatform } from './platform';
import { env } from './platform/env';
import type { ImageInput } from './platform/image-codec';

/** The engines of the one-call API on this page, kept warm (`env.warmEngines` idle at most). */
export const engines = new EnginePool({ maxIdle: env.warmEngines });

/**
 * Stylizes `input` (a Blob or File, an image element, ImageData, a canvas or a `RawImage`) in one
 * call: `{ style: 'wave' }` (a pretrained style) or `{ style: paintingFile }` (any painting:
 * arbitrary style). Engines load on first use and stay warm for the next call.
 * @example
 * const image = await stylize(file, { style: 'wave', maxSize: 1024 });
 * ctx.putImageData(toImageData(image), 0, 0);
 */
export function stylize(input: ImageInput | RawImage, options: OneCallOptions<ImageInput>, context: StylizeContext = {}): Promise<RawImage> {
  return oneCallStylize({ platform: webPlatform, pool: engines, FastStyle, ArbitraryStyle }, input, options, context);
}
