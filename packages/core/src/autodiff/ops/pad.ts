import type { NodeDef } from '../../onnx/graph';
import { ImpastoError } from '../../errors';
import { intsAttr, optionalInput, stringAttr } from '../attrs';
import { edgePadAdjoint, reflectPadAdjoint, type Amount } from '../border';
import type { GradBuilder } from '../builder';
import { padAmounts } from '../pad-amounts';
import type { GradRule } from '../types';

const unsupported = (node: NodeDef, why: string) => new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'Pad' ${why} (node '${node.name}')`);

/**
 * Constant mode: the gradient is dY padded by the negated amounts, which crops what was added
 * (and zero-fills whatever negative pads had cropped).
 */
function constantGrad(b: GradBuilder, node: NodeDef, dY: string): string {
  const given = optionalInput(node, 1);
  const amounts = given ?? b.ints(intsAttr(node, 'pads') ?? []);
  const axes = optionalInput(node, 3);
  const inputs = [dY, b.op('Neg', [amounts], {}, 'unpad'), ...(axes ? ['', axes] : [])];
  return b.op('Pad', inputs, {}, 'pad_grad');
}

/** The padded axes, non-negative: from the `axes` input (opset 18) or all of them. */
function paddedAxes(b: GradBuilder, node: NodeDef, mode: string): number[] {
  const x = node.inputs[0]!;
  const rank = b.info.rank(x);
  const axesInput = optionalInput(node, 3);
  if (axesInput !== undefined) {
    const axes = b.info.ints(axesInput);
    if (!axes) throw unsupported(node, `in mode '${mode}' with run-time axes`);
    if (axes.some((a) => a < 0) && rank === undefined) throw unsupported(node, `in mode '${mode}' with negative axes on an input of unknown rank`);
    return axes.map((a) => (a < 0 ? a + rank! : a));
  }
  const given = optionalInput(node, 1);
  const count = given === undefined ? intsAttr(node, 'pads')?.length : b.info.ints(given)?.length;
  const r = count === undefined ? rank : count / 2;
  // The adjoint works axis by axis, so it needs to know the axes before run time.
  if (r === undefined) throw unsupported(node, `in mode '${mode}' with run-time pads on an input of unknown rank`);
  return Array.from({ length: r }, (_, i) => i);
}

/**
 * Edge and reflect modes. Both pad each axis independently (corners included), so the adjoint is
 * the per-axis adjoints one after another: cut dY into the center and the two padding strips, and
 * add the strips back where they were copied from. Pads may be computed at run time, but must
 * then be non-negative (negative pads, which crop, are rejected when static).
 */
function borderGrad(b: GradBuilder, node: NodeDef, dY: string, mode: 'edge' | 'reflect'): string {
  const axes = paddedAxes(b, node, mode);
  const given = optionalInput(node, 1);
  const amounts: Amount[] = given === undefined ? (intsAttr(node, 'pads') ?? []) : padAmounts(b, given, 2 * axes.length);
  if (amounts.length !== 2 * axes.length) {
    throw new ImpastoError('BAD_MODEL', `Pad node '${node.name}' has ${amounts.length} pads for ${axes.length} axes`);
  }
  if (amounts.some((a) => typeof a === 'number' && a < 0)) throw unsupported(node, `in mode '${mode}' with negative pads`);
  const adjoint = mode === 'edge' ? edgePadAdjoint : reflectPadAdjoint;
  let dx = dY;
  axes.forEach((axis, i) => {
    const [p, q] = [amounts[i]!, amounts[i + axes.length]!];
    if (p !== 0 || q !== 0) dx = adjoint(b, dx, axis, p, q);
  });
  return dx;
}

/** Pad in constant, edge and reflect modes (wrap is rejected). */
export const pad: GradRule = {
  opType: 'Pad',
  differentiable: [0],
  grad({ b, node, dY }) {
    const mode = stringAttr(node, 'mode', 'constant');
    if (mode === 'constant') return [constantGrad(b, node, dY)];
    if (mode === 'edge' || mode === 'reflect') return [borderGrad(b, node, dY, mode)];
    throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op 'Pad' in mode '${mode}' (node '${node.name}')`);
  },
};
