import type { NodeDef } from '../onnx/graph';
import { ImpastoError } from '../errors';
import { intsAttr, stringAttr } from './attrs';
import type { GradBuilder } from './builder';

/** Window geometry shared by Conv and the pools, read from a node's attributes. */
export interface Geometry {
  /** Number of spatial axes (they follow N and C). */
  readonly nsp: number;
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** NOTSET, VALID, SAME_UPPER or SAME_LOWER. */
  readonly autoPad: string;
  /** Explicit pads, begins then ends (used with NOTSET). */
  readonly pads: readonly number[];
}

/** Padding of the spatial axes as int64 vectors of length nsp, with their values when static. */
export interface Pads {
  readonly begin: string;
  readonly end: string;
  readonly static?: { readonly begin: readonly number[]; readonly end: readonly number[] };
}

/** A kernel's dilated extent per spatial axis: a 1-D int64 value, and its numbers when static. */
export interface Extent {
  readonly value: string;
  readonly static?: readonly number[];
}

export const spatialAxes = (nsp: number) => Array.from({ length: nsp }, (_, i) => i + 2);

export function readGeometry(node: NodeDef, nsp: number): Geometry {
  const ones = new Array<number>(nsp).fill(1);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET') || 'NOTSET';
  if (!['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(autoPad)) {
    throw new ImpastoError('BAD_MODEL', `${node.opType} node '${node.name}' has unknown auto_pad '${autoPad}'`);
  }
  return {
    nsp,
    strides: intsAttr(node, 'strides') ?? ones,
    dilations: intsAttr(node, 'dilations') ?? ones,
    autoPad,
    pads: intsAttr(node, 'pads') ?? new Array<number>(2 * nsp).fill(0),
  };
}

/**
 * The padding the forward op applied. Explicit pads are static; SAME pads follow ONNX's rule
 * total = (out - 1) * stride + extent - in, computed at run time unless every stride is 1.
 */
export function resolvePads(b: GradBuilder, geo: Geometry, x: string, y: string, extent: Extent): Pads {
  const { nsp, strides, autoPad } = geo;
  const constant = (begin: readonly number[], end: readonly number[]): Pads => ({ begin: b.ints(begin), end: b.ints(end), static: { begin, end } });
  if (autoPad === 'NOTSET') return constant(geo.pads.slice(0, nsp), geo.pads.slice(nsp, 2 * nsp));
  if (autoPad === 'VALID') return constant(new Array<number>(nsp).fill(0), new Array<number>(nsp).fill(0));
  const upper = autoPad === 'SAME_UPPER';
  if (extent.static && strides.every((s) => s === 1)) {
    const total = extent.static.map((e) => e - 1);
    const begin = total.map((t) => (upper ? Math.floor(t / 2) : Math.ceil(t / 2)));
    return constant(begin, total.map((t, i) => t - begin[i]!));
  }
  const out = b.dims(y, 2);
  const span = b.op('Add', [b.op('Mul', [b.op('Sub', [out, b.int(1)]), b.ints(strides)]), extent.value]);
  const total = b.op('Max', [b.op('Sub', [span, b.dims(x, 2)]), b.int(0)], {}, 'pad_total');
  const begin = b.op('Div', [upper ? total : b.op('Add', [total, b.int(1)]), b.int(2)], {}, 'pad_begin');
  return { begin, end: b.op('Sub', [total, begin], {}, 'pad_end') };
}

/** Pads with zeros before/after the spatial axes (`pads` of an N, C, spatial... tensor). */
export function padSpatial(b: GradBuilder, x: string, pads: Pads): string {
  const s = pads.static;
  if (s && s.begin.every((p) => p === 0) && s.end.every((p) => p === 0)) return x;
  const all = s ? b.ints([0, 0, ...s.begin, 0, 0, ...s.end]) : b.op('Concat', [b.ints([0, 0]), pads.begin, b.ints([0, 0]), pads.end], { axis: 0 });
  return b.op('Pad', [x, all], {}, 'pad');
}

/**
 * Cuts a gradient over padded coordinates (`full`, covering [0, F) per spatial axis) back to the
 * input's [begin, begin + in): zero-extends past F first, since trailing input that no window
 * reached gets no gradient.
 */
export function cropToInput(b: GradBuilder, full: string, inDims: string, begin: string, nsp: number): string {
  const stop = b.op('Add', [begin, inDims], {}, 'crop_stop');
  const short = b.op('Max', [b.op('Sub', [stop, b.dims(full, 2)]), b.int(0)], {}, 'crop_short');
  const pads = b.op('Concat', [b.ints(new Array<number>(nsp + 4).fill(0)), short], { axis: 0 });
  const padded = b.op('Pad', [full, pads], {}, 'crop_pad');
  return b.op('Slice', [padded, begin, stop, b.ints(spatialAxes(nsp))], {}, 'crop');
}

/**
 * The adjoint of a strided, dilated, padded window sum with kernel `weight` ([M, C/group, k...]):
 * maps an output-shaped gradient `dy` back onto the input (spatial sizes `inDims`).
 */
export function backToInput(b: GradBuilder, dy: string, weight: string, geo: Geometry, group: number, inDims: string, pads: Pads): string {
  const common = { dilations: [...geo.dilations], group };
  const s = pads.static;
  if (s && geo.strides.every((v) => v === 1)) {
    // With unit strides the output size is exactly in + pads - extent + 1, so ConvTranspose with
    // the same pads lands on the input size with no cropping.
    return b.op('ConvTranspose', [dy, weight], { ...common, pads: [...s.begin, ...s.end] }, 'back');
  }
  // Otherwise the input size is not a function of the output size (floor division), so compute
  // the full transposed convolution and crop it at run time.
  const full = b.op('ConvTranspose', [dy, weight], { ...common, strides: [...geo.strides] }, 'back_full');
  return cropToInput(b, full, inDims, pads.begin, geo.nsp);
}
