import type { NeuralStyleOptions } from '../options/generated';

/**
 * Named NST configurations, spread under your own options: `{ ...NST_PRESETS.seed, size: 512 }`.
 *
 * `seed`: figure 6 of the chapter "Case — Neural Style Transfer" of OCaml Scientific Computing:
 * VGG19, content at node 23 (relu4_2), style at nodes 2, 7, 12, 21, 30 (relu1_1 … relu5_1), white-noise
 * start (Gaussian × 0.256), Adam, no total variation, style weight 20 on the *sum* of the five layer
 * losses. Impasto averages its style layers, so that weight is 20 × 5 = 100 here (the same objective).
 *
 * `luan`: Luan et al. 2017's Deep Photo Style Transfer recipe as the paper and its code give it, for a
 * photo as the style: VGG19 (its default layers are theirs), content relu4_2 weight 5, style relu1_1 … relu5_1 weight 100 each
 * (Impasto averages its layers: 500), TV 1e-3, photorealism λ 1e4, start from the photo, L-BFGS.
 * Their code adds λ·L·V to the gradient of the 0..255 image; Impasto's term is λ·VᵀLV on 0..1
 * pixels, whose gradient there is 2λ·L·V/255, so their 1e4 is 1e4 × 255/2 here.
 *
 * `photo`: the same, started from the photo recoloured to the style photo's colour statistics
 * (region by region with masks), which moves the colours much further in the same iterations
 * (see BENCHMARKS.md), with Luan's λ.
 */
export const NST_PRESETS = {
  seed: {
    net: 'vgg19',
    contentLayers: ['23'],
    styleLayers: ['2', '7', '12', '21', '30'],
    contentWeight: 1,
    styleWeight: 20 * 5,
    tvWeight: 0,
    init: 'noise',
    optimizer: 'adam',
  },
  luan: {
    net: 'vgg19',
    contentWeight: 5,
    styleWeight: 100 * 5,
    tvWeight: 1e-3,
    photorealism: (1e4 * 255) / 2,
    init: 'content',
    optimizer: 'lbfgs',
  },
  photo: {
    net: 'vgg19',
    contentWeight: 5,
    styleWeight: 100 * 5,
    tvWeight: 1e-3,
    photorealism: (1e4 * 255) / 2,
    init: 'colors',
    optimizer: 'lbfgs',
  },
} as const satisfies Record<string, NeuralStyleOptions>;

export type NstPreset = keyof typeof NST_PRESETS;
