import { unbroadcast } from '../broadcast';
import type { GradBuilder } from '../builder';
import type { GradRule } from '../types';

/** Swaps the last two axes (Einsum's ellipsis covers an unknown number of batch axes). */
function swapLast(b: GradBuilder, x: string, rank: number | undefined): string {
  if (rank === undefined) return b.op('Einsum', [x], { equation: '...ij->...ji' }, 'swap');
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return b.op('Transpose', [x], { perm }, 'swap');
}

/**
 * Reduces a batched product `p` to the shape of matrix operand `x` (rank `rx`), whose partner
 * has rank `ro` (both at least 2 here). When only one side has batch axes the answer is static.
 */
function reduceBatch(b: GradBuilder, p: string, x: string, rx: number | undefined, other: string, ro: number | undefined): string {
  if (ro === 2) return p; // the partner has no batch axes, so the product's are x's own
  if (rx === 2 && ro !== undefined) return ro === 2 ? p : b.reduceSum(p, Array.from({ length: ro - 2 }, (_, i) => i), false);
  return unbroadcast(b, p, x, [other]);
}

/**
 * MatMul with numpy semantics: dA = dY·Bᵀ and dB = Aᵀ·dY, summed over broadcast batch axes.
 * A vector operand acts as a one-row (A) or one-column (B) matrix whose extra axis is dropped.
 */
export const matMul: GradRule = {
  opType: 'MatMul',
  grad({ b, node, dY, needs }) {
    const [a, c] = node.inputs as [string, string];
    const ra = b.info.rank(a);
    const rc = b.info.rank(c);
    if (needs[0] && isOwnTranspose(b, c, a, node.name)) {
      // A Gram product A·Aᵀ (what `gram` builds): dA = (dY + dYᵀ)·A in one product, exactly,
      // instead of dY·A plus (Aᵀ·dY)ᵀ back through the Transpose (a second large product, a
      // transpose and a sum). The Transpose gets no gradient of its own then.
      return [b.op('MatMul', [b.op('Add', [dY, swapLast(b, dY, ra)], {}, 'gram_dy'), a], {}, 'gram_da'), undefined];
    }
    if (ra === 1 && rc === 1) {
      return [needs[0] ? b.op('Mul', [dY, c]) : undefined, needs[1] ? b.op('Mul', [dY, a]) : undefined];
    }
    let [a2, c2, dy2] = [a, c, dY];
    if (ra === 1) [a2, dy2] = [b.unsqueeze(a, [0]), b.unsqueeze(dy2, [-2])];
    if (rc === 1) [c2, dy2] = [b.unsqueeze(c, [1]), b.unsqueeze(dy2, [-1])];
    const [ra2, rc2] = [ra === 1 ? 2 : ra, rc === 1 ? 2 : rc];
    const restore = (g: string, x: string, promoted: boolean) => (promoted ? b.reshapeLike(g, x) : g);
    const da = () => {
      const p = b.op('MatMul', [dy2, swapLast(b, c2, rc2)], {}, 'matmul_da');
      return restore(reduceBatch(b, p, a2, ra2, c2, rc2), a, ra === 1);
    };
    const dc = () => {
      const p = b.op('MatMul', [swapLast(b, a2, ra2), dy2], {}, 'matmul_db');
      return restore(reduceBatch(b, p, c2, rc2, a2, ra2), c, rc === 1);
    };
    return [needs[0] ? da() : undefined, needs[1] ? dc() : undefined];
  },
};

/**
 * True when `c` is Transpose(a) of a matrix or a batch of them (rank 3, perm [0, 2, 1]: masked
 * Grams, one per region), read by node `user` alone (so its gradient is `user`'s to give).
 */
function isOwnTranspose(b: GradBuilder, c: string, a: string, user: string): boolean {
  const t = b.g.nodes.find((n) => n.outputs.includes(c));
  const rank = b.info.rank(a);
  if (t?.opType !== 'Transpose' || t.inputs[0] !== a || (rank !== 2 && rank !== 3)) return false;
  const perm = t.attributes.perm as readonly number[] | undefined;
  if (rank === 3 ? perm?.join() !== '0,2,1' : perm && (perm[0] !== 1 || perm[1] !== 0)) return false;
  return b.g.nodes.every((n) => n.name === user || !n.inputs.includes(c)) && !b.g.outputs.some((o) => o.name === c);
}
