import { checkBlendWeights } from '../util/blend-weights';
import { MICROAST_STYLE_CODE, MICROAST_STYLE_CODE_SHAPE, type MicroAstStyleCodeName } from './network';

/**
 * A painting, encoded once: MicroAST's modulator signals and the style features' AdaIN statistics
 * (8 × 64 floats). Plain data: it can be kept, sent to a worker, blended, and reused for every photo
 * and video frame, which then pays only the content path.
 */
export interface StyleCode {
  readonly kind: 'microast-style-code';
  readonly tensors: Readonly<Record<MicroAstStyleCodeName, Float32Array>>;
}

const SIZE = MICROAST_STYLE_CODE_SHAPE.reduce((a, b) => a * b, 1);

/** Whether `x` is a `StyleCode`. */
export function isStyleCode(x: unknown): x is StyleCode {
  const c = x as Partial<StyleCode>;
  return typeof c === 'object' && c !== null && c.kind === 'microast-style-code' && typeof c.tensors === 'object' && MICROAST_STYLE_CODE.every((n) => c.tensors![n] instanceof Float32Array && c.tensors![n].length === SIZE);
}

/**
 * The weighted mean of style codes (weights are normalised to sum to 1): a blend of paintings.
 * Means and modulator signals blend linearly; standard deviations too, which keeps them positive.
 */
export function blendStyleCodes(codes: readonly { readonly code: StyleCode; readonly weight: number }[]): StyleCode {
  const { shares } = checkBlendWeights(codes.map((c) => c.weight), 'styles');
  const tensors = {} as Record<MicroAstStyleCodeName, Float32Array>;
  for (const name of MICROAST_STYLE_CODE) {
    const out = new Float32Array(SIZE);
    for (const [k, { code }] of codes.entries()) {
      const t = code.tensors[name];
      for (let i = 0; i < SIZE; i++) out[i] = out[i]! + shares[k]! * t[i]!;
    }
    tensors[name] = out;
  }
  return { kind: 'microast-style-code', tensors };
}
