import { extname } from 'node:path';
import { EnginePool, type OneCallOptions, type RawImage, type StylizeContext, oneCallStylize } from '@impasto/core/platform';
import { ArbitraryStyle } from './arbitrary-style';
import { FastStyle } from './fast-style';
import { nodePlatform } from './platform';
import { env } from './platform/env';
import type { NodeImageInput } from './platform/image-codec';

const PAINTING_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.svg']);

/** The engines of the one-call API in this process, kept warm (`env.warmEngines` idle at most). */
export const engines = new EnginePool({ maxIdle: env.warmEngines });

/**
 * Stylizes `input` (a file path, image bytes or a `RawImage`) in one call: `{ style: 'wave' }` (a
 * pretrained style), `{ style: './my-style/' }` (a checkpoint folder), or `{ style: 'painting.jpg' }`
 * (any painting: arbitrary style), with the engine's options beside it. Engines load on first use
 * and stay warm for the next call.
 * @example
 * const image = await stylize('photo.jpg', { style: 'wave', maxSize: 1024 });
 * await writeFile('out.png', await encodeImage(image));
 */
export function stylize(input: NodeImageInput | RawImage, options: OneCallOptions<NodeImageInput>, context: StylizeContext = {}): Promise<RawImage> {
  return oneCallStylize({ platform: nodePlatform, pool: engines, FastStyle, ArbitraryStyle, isPaintingName: (s) => PAINTING_EXT.has(extname(s).toLowerCase()) }, input, options, context);
}
