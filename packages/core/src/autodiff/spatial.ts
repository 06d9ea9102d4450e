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

/** An extent known before run time; its int64 constant is only added if something reads it. */
export function staticExtent(b: GradBuilder, extent: readonly number[]): Extent {
  return {
    get value() {
      return b.ints(extent);
    },
    static: extent,
  };
}

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
  // Getters: the fast paths use only the numbers, and unused constants would linger in the graph.
  const constant = (begin: readonly number[], end: readonly number[]): Pads => ({
    get begin() {
      return b.ints(begin);
    },
    get end() {
      return b.ints(end);
    },
    static: { begin, end },
  });
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
 * `weight` [M, C/group, k...] rearranged into the kernel of the adjoint convolution:
 * [C, M/group, k...], flipped along every spatial axis. For a constant weight, onnxruntime folds
 * all of this at load time.
 */
function adjointKernel(b: GradBuilder, weight: string, group: number, nsp: number): string {
  const sp = spatialAxes(nsp);
  let swapped: string;
  if (group === 1) {
    swapped = b.op('Transpose', [weight], { perm: [1, 0, ...sp] });
  } else {
    const split = b.op('Reshape', [weight, b.op('Concat', [b.ints([group, -1]), b.dims(weight, 1)], { axis: 0 })]);
    const t = b.op('Transpose', [split], { perm: [0, 2, 1, ...sp.map((a) => a + 1)] }); // [G, Cg, Mg, k...]
    swapped = b.op('Reshape', [t, b.op('Concat', [b.ints([-1]), b.dims(t, 2)], { axis: 0 })]);
  }
  const back = new Array<number>(nsp).fill(-1);
  return b.op('Slice', [swapped, b.ints(back), b.ints(new Array<number>(nsp).fill(-(2 ** 63))), b.ints(sp), b.ints(back)], {}, 'adjoint_kernel');
}

/**
 * The adjoint of a strided, dilated, padded window sum with kernel `weight` ([M, C/group, k...]):
 * maps an output-shaped gradient `dy` back onto the input (spatial sizes `inDims`).
 */
export function backToInput(b: GradBuilder, dy: string, weight: string, geo: Geometry, group: number, inDims: string, pads: Pads, extent: Extent): string {
  const common = { dilations: [...geo.dilations], group };
  const s = pads.static;
  if (s && geo.strides.every((v) => v === 1)) {
    // With unit strides the adjoint is itself a convolution, with the flipped kernel and the
    // complementary padding (extent - 1 - pad), landing exactly on the input size. onnxruntime's
    // Conv is markedly faster than its ConvTranspose (NCHWc kernels), hence the detour.
    const e = extent.static;
    const adjointPads = e && [...s.begin, ...s.end].map((p, i) => e[i % geo.nsp]! - 1 - p);
    if (adjointPads?.every((p) => p >= 0)) {
      return b.op('Conv', [dy, adjointKernel(b, weight, group, geo.nsp)], { ...common, pads: adjointPads }, 'back');
    }
    // Output size is still exactly in + pads - extent + 1, so ConvTranspose needs no cropping.
    return b.op('ConvTranspose', [dy, weight], { ...common, pads: [...s.begin, ...s.end] }, 'back');
  }
  // Otherwise the input size is not a function of the output size (floor division), so compute
  // the full transposed convolution and crop it at run time.
  const full = b.op('ConvTranspose', [dy, weight], { ...common, strides: [...geo.strides] }, 'back_full');
  return cropToInput(b, full, inDims, pads.begin, geo.nsp);
}
