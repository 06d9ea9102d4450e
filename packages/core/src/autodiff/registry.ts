import { ImpastoError } from '../errors';
import type { GradRule } from './types';
import { abs } from './ops/abs';
import { add } from './ops/add';
import { averagePool } from './ops/average-pool';
import { batchNormalization } from './ops/batch-normalization';
import { cast } from './ops/cast';
import { clip } from './ops/clip';
import { concat } from './ops/concat';
import { constant } from './ops/constant';
import { conv } from './ops/conv';
import { convTranspose } from './ops/conv-transpose';
import { div } from './ops/div';
import { dropout } from './ops/dropout';
import { exp } from './ops/exp';
import { expand } from './ops/expand';
import { flatten } from './ops/flatten';
import { gather } from './ops/gather';
import { globalAveragePool } from './ops/global-average-pool';
import { globalMaxPool } from './ops/global-max-pool';
import { identity } from './ops/identity';
import { instanceNormalization } from './ops/instance-normalization';
import { leakyRelu } from './ops/leaky-relu';
import { log } from './ops/log';
import { matMul } from './ops/mat-mul';
import { maxPool } from './ops/max-pool';
import { mul } from './ops/mul';
import { neg } from './ops/neg';
import { noGradient } from './ops/no-gradient';
import { pad } from './ops/pad';
import { pow } from './ops/pow';
import { reduceMean } from './ops/reduce-mean';
import { reduceSum } from './ops/reduce-sum';
import { relu } from './ops/relu';
import { reshape } from './ops/reshape';
import { resize } from './ops/resize';
import { sigmoid } from './ops/sigmoid';
import { slice } from './ops/slice';
import { softmax } from './ops/softmax';
import { sqrt } from './ops/sqrt';
import { squeeze } from './ops/squeeze';
import { sub } from './ops/sub';
import { sum } from './ops/sum';
import { tanh } from './ops/tanh';
import { transpose } from './ops/transpose';
import { unsqueeze } from './ops/unsqueeze';
import { where } from './ops/where';

const RULES: readonly GradRule[] = [
  abs, add, averagePool, batchNormalization, cast, clip, concat, constant, conv, convTranspose, div, dropout, exp,
  expand, flatten, gather, globalAveragePool, globalMaxPool, identity, instanceNormalization, leakyRelu, log,
  matMul, maxPool, mul, neg, pad, pow, reduceMean, reduceSum, relu, reshape, resize, sigmoid, slice, softmax,
  sqrt, squeeze, sub, sum, tanh, transpose, unsqueeze, where, ...noGradient,
];

/**
 * Indexes rules by op type. A second rule for the same op is an error, not a silent override:
 * which one won would depend on the order of the list.
 */
export function indexRules(rules: readonly GradRule[]): ReadonlyMap<string, GradRule> {
  const byOp = new Map<string, GradRule>();
  for (const r of rules) {
    if (byOp.has(r.opType)) throw new ImpastoError('INVALID_ARGUMENT', `two gradient rules are registered for ONNX op '${r.opType}'`);
    byOp.set(r.opType, r);
  }
  return byOp;
}

const BY_OP = indexRules(RULES);

/** The gradient rule for an ONNX op of the default domain, if there is one. */
export function gradientRule(opType: string, domain?: string): GradRule | undefined {
  return domain === undefined || domain === '' || domain === 'ai.onnx' ? BY_OP.get(opType) : undefined;
}

/** The ONNX ops (default domain) that have a gradient rule, sorted. */
export function differentiableOps(): string[] {
  return [...BY_OP.keys()].sort();
}

/** Every registered rule, in registration order (for checks over the whole registry). */
export function registeredRules(): readonly GradRule[] {
  return RULES;
}
