import { ImpastoError } from '../errors';
import type { WeightSource } from '../store/source';
import type { FeatureNet } from './feature-net';
import { SQUEEZENET_DEFAULT_CONTENT_LAYER, SQUEEZENET_DEFAULT_STYLE_LAYERS, loadSqueezeNet, squeezeNetMinSide } from './squeezenet';
import { VGG19_DEFAULT_CONTENT_LAYER, VGG19_DEFAULT_STYLE_LAYERS, loadVgg19 } from './vgg19';

/** Loss networks by name: VGG19 with uint8 weights (default), VGG19 float32, SqueezeNet 1.1. */
export const LOSS_NETS = ['vgg19', 'vgg19-f32', 'squeezenet'] as const;
export type LossNetName = (typeof LOSS_NETS)[number];

/** The catalogue model holding each net's weights. */
export const LOSS_NET_MODEL: Readonly<Record<LossNetName, string>> = {
  vgg19: 'vgg19-tfjs-uint8',
  'vgg19-f32': 'vgg19-tfjs',
  squeezenet: 'squeezenet1_1-caffe',
};

/** Each net's default layers: content, then style. */
export const LOSS_NET_DEFAULTS: Readonly<Record<LossNetName, { content: string; style: readonly string[] }>> = {
  vgg19: { content: VGG19_DEFAULT_CONTENT_LAYER, style: VGG19_DEFAULT_STYLE_LAYERS },
  'vgg19-f32': { content: VGG19_DEFAULT_CONTENT_LAYER, style: VGG19_DEFAULT_STYLE_LAYERS },
  squeezenet: { content: SQUEEZENET_DEFAULT_CONTENT_LAYER, style: SQUEEZENET_DEFAULT_STYLE_LAYERS },
};

/**
 * Loads loss net `name` from `source` (its catalogue model), reading only the weights that
 * `layers` need. `pooling` applies to VGG19.
 */
export function loadLossNet(name: LossNetName, source: WeightSource, layers: readonly (string | number)[], pooling: 'max' | 'avg' = 'max'): Promise<FeatureNet> {
  switch (name) {
    case 'vgg19':
    case 'vgg19-f32':
      return loadVgg19(source, { variant: name === 'vgg19' ? 'uint8' : 'float32', layers, pooling });
    case 'squeezenet':
      return loadSqueezeNet(source, { layers });
    default:
      throw new ImpastoError('INVALID_ARGUMENT', `Expected one of ${LOSS_NETS.join(', ')} for net but received '${String(name)}'`);
  }
}

/**
 * The smallest image side net `name` takes for `layers`. VGG19's pools (2x2, floor) never empty a
 * map, so 1; SqueezeNet's ceil-mode 3x3 pools do (see `squeezeNetMinSide`).
 */
export function lossNetMinSide(name: LossNetName, layers: readonly (string | number)[]): number {
  return name === 'squeezenet' ? squeezeNetMinSide(layers) : 1;
}
