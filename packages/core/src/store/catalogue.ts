import { ImpastoError } from '../errors';
import { CHECKSUMS } from './checksums.generated';

/** A downloadable model: where its public files live and what each must hash to. */
export interface ModelEntry {
  /** Id, also its folder under the mirror and the cache (e.g. `fst/wave`). */
  readonly id: string;
  /** Public URL prefix; a file's URL is `baseUrl + path`. Pinned to a commit so hashes stay valid. */
  readonly baseUrl: string;
  /** SHA-256 (hex) by path inside the model. A file without one is never downloaded. */
  readonly files: Readonly<Record<string, string>>;
  /** Licence of the weights, shown to users. */
  readonly licence: string;
}

const ML5 = 'https://raw.githubusercontent.com/ml5js/ml5-data-and-models/0612a3e7c51cbffdc5db701dff49d16d1ac26fa8/models/style-transfer/';
const BASES: Record<string, { baseUrl: string; licence: string }> = {
  'vgg19-tfjs-uint8': {
    baseUrl: 'https://raw.githubusercontent.com/azertat/tfjs_models/3c14b35a1b5037c331fe01da1b00d2d3bb09bba9/models/little_shards/',
    licence: 'VGG19 weights CC BY 4.0 (Simonyan & Zisserman, Oxford VGG); cite the paper',
  },
  'vgg19-tfjs': {
    baseUrl: 'https://raw.githubusercontent.com/DavidCai1111/vgg19-tensorflowjs-model/08d09052bc6258d3abdfa341850122fc4b746db6/model/',
    licence: 'VGG19 weights CC BY 4.0 (Simonyan & Zisserman, Oxford VGG); conversion MIT',
  },
  'squeezenet1_1-caffe': {
    baseUrl: 'https://raw.githubusercontent.com/chaosmail/caffejs/d161d610145d6ce1ee4b9e44b10de780e8ecec2d/models/squeezenet/',
    licence: 'SqueezeNet weights BSD-2-Clause (DeepScale); caffejs MIT',
  },
  microast: {
    baseUrl: 'https://raw.githubusercontent.com/EndyWon/MicroAST/5a6c9050d8c408191cb9db12c697f3e4c7ebe137/models/',
    licence: 'MicroAST weights MIT (Copyright (c) 2022 Zhizhong Wang); cite Wang et al., AAAI 2023',
  },
};

/** The fast-style checkpoints' licence note, shown with every style. */
export const FST_LICENCE = 'research use; contact the network\'s author for commercial use';

function entryFor(id: string): ModelEntry | undefined {
  const files = CHECKSUMS[id];
  if (!files) return undefined;
  if (id.startsWith('fst/')) return { id, files, baseUrl: `${ML5}${id.slice(4)}/`, licence: FST_LICENCE };
  const base = BASES[id];
  return base && { id, files, ...base };
}

/** Every catalogued model id. */
export function modelIds(): string[] {
  return Object.keys(CHECKSUMS).filter((id) => entryFor(id));
}

/** The catalogue entry for `id`; an unknown id is an error listing the known ones. */
export function getModel(id: string): ModelEntry {
  const e = entryFor(id);
  if (!e) throw new ImpastoError('INVALID_ARGUMENT', `Unknown model '${id}'; known models: ${modelIds().join(', ')}`);
  return e;
}
