export { addGradients } from './gradients';
export { gradientGraph } from './gradient-graph';
export { differentiableOps } from './registry';
export type { GradContext, GradRule } from './types';
