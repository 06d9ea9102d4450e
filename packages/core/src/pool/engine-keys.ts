import { AST_LOAD_SCHEMA } from '../ast/options';
import { MICROAST_MODEL } from '../ast/arbitrary-style';
import { invalidParam } from '../errors';
import { FAST_STYLE_LOAD_SCHEMA } from '../fst/options';
import { getStyle } from '../fst/styles';
import { LOSS_NET_MODEL } from '../nets/loss-nets';
import { NST_LOAD_SCHEMA } from '../nst/options';
import type { ArbitraryStyleLoadOptions, FastStyleLoadOptions, NeuralStyleLoadOptions, ResolvedArbitraryStyleLoadOptions, ResolvedFastStyleLoadOptions, ResolvedNeuralStyleLoadOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import type { Platform } from '../runtime/platform';
import { getModel } from '../store/catalogue';
import { combinedHash } from '../store/hash';
import { engineKey } from './engine-pool';

// Keys of the engines a pool holds: options resolved once here, at the boundary, so a key names
// exactly the engine that `load` with the same options would build.

/** The key of the fast-style engine for `style` (an id or, where the platform has folders, a checkpoint folder). */
export async function fastStyleKey(platform: Platform<unknown, unknown>, style: string, options: FastStyleLoadOptions = {}): Promise<string> {
  if (typeof style !== 'string') throw invalidParam('style', 'a style id or a checkpoint folder', style);
  const o = resolveOptions<ResolvedFastStyleLoadOptions>(FAST_STYLE_LOAD_SCHEMA, options, { platform: platform.kind });
  const folder = platform.checkpointFolder?.(style);
  const weights = folder ? `folder:${folder.location}:${(await folder.fingerprint?.()) ?? ''}` : await combinedHash(getModel(getStyle(style).model).files);
  return engineKey('fst', o, weights);
}

/** The key of the arbitrary-style engine. */
export async function arbitraryStyleKey(platform: Platform<unknown, unknown>, options: ArbitraryStyleLoadOptions = {}): Promise<string> {
  const o = resolveOptions<ResolvedArbitraryStyleLoadOptions>(AST_LOAD_SCHEMA, options, { platform: platform.kind });
  return engineKey('ast', o, await combinedHash(getModel(MICROAST_MODEL).files));
}

/** The key of the NST engine. */
export async function neuralStyleKey(platform: Platform<unknown, unknown>, options: NeuralStyleLoadOptions = {}): Promise<string> {
  const o = resolveOptions<ResolvedNeuralStyleLoadOptions>(NST_LOAD_SCHEMA, options, { platform: platform.kind });
  return engineKey('nst', o, await combinedHash(getModel(LOSS_NET_MODEL[o.net]).files));
}
