import { ImpastoError } from '../../errors';
import type { Graph } from '../../onnx/graph';
import { float32, int64 } from '../../onnx/tensor';
import { gram } from '../gram';
import { styleLoss } from '../losses';
import { maskedGram } from '../masked-gram';
import { sumOf } from './sum';
import type { ObjectiveTerm, TermFeeds, TermRun } from './term';

/** Σ over regions of mean((G_r − A_r)²) over each [C, C] matrix: the seed's `s_loss`, per region. */
function regionStyleLoss(g: Graph, gram: string, target: string): string {
  return g.scoped('style', () => {
    const d = g.op('Sub', [gram, target], {}, { name: 'diff' });
    const perRegion = g.op('ReduceMean', [g.op('Mul', [d, d], {}, { name: 'sq' })], { axes: [1, 2], keepdims: 0 }, { name: 'mean' });
    return g.op('ReduceSum', [perRegion, g.constant('axes', int64([1], [0]))], { keepdims: 0 }, { name: 'loss' });
  });
}

const ones = (width: number, height: number) => float32([1, 1, height, width], new Float32Array(width * height).fill(1));

/** The style term's masks: the run's regions, or one all-ones region. */
function maskFeeds(run: TermRun): TermFeeds {
  const m = run.masks;
  if (!m) {
    return {
      whole: () => ({ mask: ones(run.width, run.height) }),
      tile: (r) => ({ mask: ones(r.width, r.height) }),
      targets: (i) => ({ mask: ones(run.styles[i]!.width, run.styles[i]!.height) }),
    };
  }
  return {
    whole: () => ({ mask: float32([m.regions, 1, m.content.height, m.content.width], m.content.planes) }),
    tile: () => {
      throw new ImpastoError('INVALID_ARGUMENT', 'region masks need the whole image at once: lower the size or raise the memory budget so the run is not tiled');
    },
    targets: () => ({ mask: float32([m.regions, 1, m.style.height, m.style.width], m.style.planes) }),
  };
}

/** A style term without regions: the plain Gram matrices (the masked form costs ~5 % an iteration). */
function plainStyleTerm(layers: readonly (string | number)[], w: readonly number[]): ObjectiveTerm {
  const keys = layers.map(String);
  return {
    name: 'style',
    weightOption: 'styleWeight',
    layers,
    key: ['style', keys, w],
    targets: { image: 'style', layers, pooled: true, dims: layers.map(() => [null, null]), build: (g, features) => keys.map((l) => gram(g, features[l]!)) },
    prepare: (run) => {
      if (run.masks) throw new ImpastoError('INVALID_ARGUMENT', 'this NeuralStyle was loaded without regions: load it with { regions: true } to run with contentMask and styleMask');
      return {};
    },
    build: (g, io) =>
      g.scoped('style', () =>
        sumOf(
          g,
          keys.map((l, i) => g.op('Mul', [styleLoss(g, gram(g, io.features[l]!), io.targets[i]!), g.constant('layer_weight', float32([], [w[i]!]))], {}, { name: 'weighted' })),
        ),
      ),
  };
}

/**
 * Style loss (the seed's `s_loss` on Gram matrices) over `layers`, each weighted (default: equal,
 * summing to 1 as in Gatys et al.), against a painting's Gram matrices. With `regions`, per region
 * (Luan et al. 2017: each region of the photo against the same-labelled region of the painting, the
 * region losses summed), masks fed per run; without masks the whole image is then one region (bit for
 * bit the plain loss). Weight: `styleWeight`.
 */
export function styleTerm(layers: readonly (string | number)[], o: { layerWeights?: readonly number[]; regions?: boolean } = {}): ObjectiveTerm {
  if (!layers.length) throw new ImpastoError('INVALID_ARGUMENT', 'a style term needs at least one layer');
  const w = o.layerWeights ?? layers.map(() => 1 / layers.length);
  if (w.length !== layers.length) throw new ImpastoError('INVALID_ARGUMENT', `${layers.length} style layers need as many layer weights, got ${w.length}`);
  if (!o.regions) return plainStyleTerm(layers, w);
  const keys = layers.map(String);
  const maskInput = { name: 'mask', dims: ['regions', 1, 'height', 'width'] } as const;
  return {
    name: 'style',
    weightOption: 'styleWeight',
    layers,
    inputs: [maskInput],
    key: ['style', keys, w, 'masked'],
    targets: {
      image: 'style',
      layers,
      inputs: [{ name: 'mask', dims: ['regions', 1, null, null] }],
      pooled: true,
      dims: layers.map(() => [null, null, null]),
      build: (g, features, inputs) => keys.map((l) => maskedGram(g, features[l]!, inputs.mask!)),
    },
    prepare: maskFeeds,
    build: (g, io) =>
      g.scoped('style', () =>
        sumOf(
          g,
          keys.map((l, i) => {
            const s = regionStyleLoss(g, maskedGram(g, io.features[l]!, io.inputs.mask!), io.targets[i]!);
            return g.op('Mul', [s, g.constant('layer_weight', float32([], [w[i]!]))], {}, { name: 'weighted' });
          }),
        ),
      ),
  };
}
