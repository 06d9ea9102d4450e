import { type FeatureNet, ImpastoError, VGG19_DEFAULT_CONTENT_LAYER, VGG19_DEFAULT_STYLE_LAYERS, SQUEEZENET_DEFAULT_CONTENT_LAYER, SQUEEZENET_DEFAULT_STYLE_LAYERS, loadSqueezeNet, loadVgg19 } from '@impasto/core';
import type { ModelStore } from '../store/model-store';

/** Loss networks by name: the default uint8 VGG19, the exact float32 one, and SqueezeNet 1.1. */
export const NET_NAMES = ['vgg19', 'vgg19-f32', 'squeezenet'] as const;
export type NetName = (typeof NET_NAMES)[number];

export interface NetLayers {
  mode?: 'transfer' | 'content' | 'style';
  contentLayers?: readonly (string | number)[];
  styleLayers?: readonly (string | number)[];
}

/** The layers a run will use: the given ones, else the net's defaults, for the terms the mode needs. */
function layersFor(defaults: { content: string; style: readonly string[] }, l: NetLayers): (string | number)[] {
  const mode = l.mode ?? 'transfer';
  const content = mode === 'style' ? [] : (l.contentLayers ?? [defaults.content]);
  const style = mode === 'content' ? [] : (l.styleLayers ?? defaults.style);
  return [...content, ...style];
}

/** Loads a loss network with only the weights the run's layers need. `pooling` applies to VGG19. */
export async function loadFeatureNet(name: NetName, store: ModelStore, layers: NetLayers = {}, pooling: 'max' | 'avg' = 'max'): Promise<FeatureNet> {
  switch (name) {
    case 'vgg19':
    case 'vgg19-f32': {
      const use = layersFor({ content: VGG19_DEFAULT_CONTENT_LAYER, style: VGG19_DEFAULT_STYLE_LAYERS }, layers);
      const variant = name === 'vgg19' ? 'uint8' : 'float32';
      return loadVgg19(store.source(name === 'vgg19' ? 'vgg19-tfjs-uint8' : 'vgg19-tfjs'), { variant, layers: use, pooling });
    }
    case 'squeezenet': {
      const use = layersFor({ content: SQUEEZENET_DEFAULT_CONTENT_LAYER, style: SQUEEZENET_DEFAULT_STYLE_LAYERS }, layers);
      return loadSqueezeNet(store.source('squeezenet1_1-caffe'), { layers: use });
    }
    default:
      throw new ImpastoError('INVALID_ARGUMENT', `Expected one of ${NET_NAMES.join(', ')} for net but received '${name as string}'`);
  }
}
