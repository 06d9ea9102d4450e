import { checkChoice, checkInt, checkNumber, invalidParam } from '../errors';
import type { FeatureNet } from '../nets/feature-net';
import type { RawImage } from '../image/raw-image';

/** What the optimisation reproduces: both images (transfer), or one of them from noise. */
export type NstMode = 'transfer' | 'content' | 'style';

/** Options of an NST run. Plain data, so they cross to a Web Worker unchanged. */
export interface NstOptions {
  /** `transfer` (default), `content` reconstruction or `style` reconstruction. */
  mode?: NstMode;
  /** Layer(s) for the content loss (default: the net's, relu4_2 for VGG19). Names or Owl indices. */
  contentLayers?: readonly (string | number)[];
  /** Layers for the style loss (default: the net's, relu1_1 … relu5_1 for VGG19). */
  styleLayers?: readonly (string | number)[];
  /** Weight of the content loss [1]. */
  contentWeight?: number;
  /** Weight of the style loss [1e3]. */
  styleWeight?: number;
  /** Weight of the total-variation smoothness term [0.1 for transfer, else 0]. */
  tvWeight?: number;
  /** `adam` (default, as the seed) or `lbfgs`. */
  optimizer?: 'adam' | 'lbfgs';
  /** Learning rate: Adam's step on the 0..255 scale [4], or L-BFGS's first step [1]. */
  lr?: number;
  /** L-BFGS history size [10]. */
  historySize?: number;
  /** Iterations [250]. */
  iterations?: number;
  /** Yield a checkpoint image every N iterations; 0 for none [50]. */
  checkpointEvery?: number;
  /** Start from `noise` (the seed's Gaussian × 0.256 around mid-grey), the `content` image, or given pixels. */
  init?: 'noise' | 'content' | RawImage;
  /** Seed for the noise [0]. */
  seed?: number;
  /** Stops the run between iterations; the generator then throws an `ABORTED` error. */
  signal?: { readonly aborted: boolean };
}

export interface ResolvedNstOptions {
  mode: NstMode;
  contentLayers: string[];
  styleLayers: string[];
  contentWeight: number;
  styleWeight: number;
  tvWeight: number;
  optimizer: 'adam' | 'lbfgs';
  lr: number;
  historySize: number;
  iterations: number;
  checkpointEvery: number;
  init: 'noise' | 'content' | RawImage;
  seed: number;
}

/** Fills defaults, resolves layer names against `net` and validates every option. */
export function resolveNstOptions(net: FeatureNet, o: NstOptions = {}): ResolvedNstOptions {
  const mode = checkChoice('mode', o.mode ?? 'transfer', ['transfer', 'content', 'style'] as const);
  const optimizer = checkChoice('optimizer', o.optimizer ?? 'adam', ['adam', 'lbfgs'] as const);
  const contentLayers = mode === 'style' ? [] : (o.contentLayers ?? [net.defaultContentLayer]).map((l) => net.resolve(l));
  const styleLayers = mode === 'content' ? [] : (o.styleLayers ?? net.defaultStyleLayers).map((l) => net.resolve(l));
  if (mode !== 'style' && !contentLayers.length) throw invalidParam('contentLayers', 'at least one layer', o.contentLayers);
  if (mode !== 'content' && !styleLayers.length) throw invalidParam('styleLayers', 'at least one layer', o.styleLayers);
  const init = o.init ?? (mode === 'transfer' ? 'content' : 'noise');
  if (typeof init === 'string') checkChoice('init', init, ['noise', 'content'] as const);
  if (init === 'content' && mode === 'style') throw invalidParam('init', "'noise' or an image for style reconstruction", init);
  return {
    mode,
    contentLayers,
    styleLayers,
    contentWeight: checkNumber('contentWeight', o.contentWeight ?? 1, 0),
    styleWeight: checkNumber('styleWeight', o.styleWeight ?? 1e3, 0),
    tvWeight: checkNumber('tvWeight', o.tvWeight ?? (mode === 'transfer' ? 0.1 : 0), 0),
    optimizer,
    lr: checkNumber('lr', o.lr ?? (optimizer === 'adam' ? 4 : 1), Number.MIN_VALUE),
    historySize: checkInt('historySize', o.historySize ?? 10, 1, 1000),
    iterations: checkInt('iterations', o.iterations ?? 250, 1, 1e6),
    checkpointEvery: checkInt('checkpointEvery', o.checkpointEvery ?? 50, 0, 1e6),
    init,
    seed: checkInt('seed', o.seed ?? 0, 0, 2 ** 32 - 1),
  };
}
