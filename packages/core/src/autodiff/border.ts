import type { GradBuilder } from './builder';

/** Padding on one side of one axis: a number known now, or a run-time 1-D int64 value of length 1. */
export type Amount = number | string;

// Slice bounds past any real extent (Slice clamps them).
const END = 2 ** 62;

type Bound = number | string;
const bound = (b: GradBuilder, v: Bound) => (typeof v === 'number' ? b.ints([v]) : v);

function slice(b: GradBuilder, x: string, start: Bound, end: Bound, axis: number, hint: string): string {
  return b.op('Slice', [x, bound(b, start), bound(b, end), b.ints([axis])], {}, hint);
}

/** `x` reversed along `axis`. */
function flip(b: GradBuilder, x: string, axis: number): string {
  return b.op('Slice', [x, b.ints([-1]), b.ints([-(2 ** 63)]), b.ints([axis]), b.ints([-1])], {}, 'flip');
}

/**
 * `x` with `strip` added onto its window [start, end) along `axis` (Slice semantics, so negative
 * bounds count from the end). Rebuilt by Concat rather than scattered: plain copies that every
 * provider runs, and an empty window (a run-time pad of 0) needs no special case.
 */
function addOnto(b: GradBuilder, x: string, strip: string, start: Bound, end: Bound, axis: number): string {
  const parts = [b.op('Add', [slice(b, x, start, end, axis, 'window'), strip], {}, 'accumulate_border')];
  if (start !== 0) parts.unshift(slice(b, x, 0, start, axis, 'before'));
  if (end !== END) parts.push(slice(b, x, end, END, axis, 'after'));
  return parts.length === 1 ? parts[0]! : b.op('Concat', parts, { axis }, 'with_border');
}

interface Strips {
  /** dY without the padding: what maps one to one onto the input. */
  readonly center: string;
  /** The leading and trailing padding, or undefined where statically none. */
  readonly head?: string;
  readonly tail?: string;
}

function strips(b: GradBuilder, d: string, axis: number, p: Amount, q: Amount): Strips {
  // The center ends q before the end; for a run-time q (possibly 0) that is length - q, not -q.
  const stop: Bound = typeof q === 'number' ? (q === 0 ? END : -q) : b.op('Sub', [b.dims(d, axis, axis + 1), q], {}, 'center_end');
  return {
    center: p === 0 && q === 0 ? d : slice(b, d, p, stop, axis, 'center'),
    head: p === 0 ? undefined : slice(b, d, 0, p, axis, 'head'),
    tail: q === 0 ? undefined : slice(b, d, stop, END, axis, 'tail'),
  };
}

/**
 * Adjoint of edge padding by `p` before and `q` after along `axis` (amounts non-negative): every
 * replicated copy's gradient goes back to the edge element it copied.
 */
export function edgePadAdjoint(b: GradBuilder, d: string, axis: number, p: Amount, q: Amount): string {
  const { center, head, tail } = strips(b, d, axis, p, q);
  let dx = center;
  if (head) dx = addOnto(b, dx, b.reduceSum(head, [axis], true), 0, 1, axis);
  if (tail) dx = addOnto(b, dx, b.reduceSum(tail, [axis], true), -1, END, axis);
  return dx;
}

/**
 * Adjoint of reflect padding (mirrored without repeating the edge, so p, q < length): the leading
 * strip holds x[p], ..., x[1] and the trailing one x[n-2], ..., x[n-1-q], so each is flipped and
 * added back onto those positions.
 */
export function reflectPadAdjoint(b: GradBuilder, d: string, axis: number, p: Amount, q: Amount): string {
  const { center, head, tail } = strips(b, d, axis, p, q);
  let dx = center;
  if (head) {
    const end = typeof p === 'number' ? 1 + p : b.op('Add', [p, b.int(1)]);
    dx = addOnto(b, dx, flip(b, head, axis), 1, end, axis);
  }
  if (tail) {
    const start = typeof q === 'number' ? -1 - q : b.op('Sub', [b.int(-1), q]);
    dx = addOnto(b, dx, flip(b, tail, axis), start, -1, axis);
  }
  return dx;
}
