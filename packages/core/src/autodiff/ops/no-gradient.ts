import type { GradRule } from '../types';

/**
 * Ops whose outputs carry no gradient: shapes, sizes, comparisons, indices and piecewise-constant
 * functions (zero derivative almost everywhere). They cut the dependence on `wrt`, so a graph may
 * read, say, Shape(features) on its way to the loss.
 */
const OPS = [
  'Shape', 'Size', 'ConstantOfShape', 'Range', 'EyeLike', 'NonZero', 'ArgMax', 'ArgMin',
  'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf',
  'Sign', 'Floor', 'Ceil', 'Round', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli',
];

export const noGradient: readonly GradRule[] = OPS.map((opType) => ({ opType, differentiable: [], grad: () => [] }));
