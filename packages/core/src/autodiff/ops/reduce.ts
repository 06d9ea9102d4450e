import type { NodeDef } from '../../onnx/graph';
import { intAttr, intsAttr, optionalInput } from '../attrs';
import type { GradBuilder } from '../builder';

/**
 * Spreads the gradient of a sum-like reduction back over the input's shape: Unsqueeze the reduced
 * axes (when keepdims = 0) and Expand. Axes come from the attribute or, from opset 13 (ReduceSum)
 * or 18 (the others), from the second input.
 */
export function spreadBack(b: GradBuilder, node: NodeDef, dY: string): string {
  const x = node.inputs[0]!;
  const fromAttr = intsAttr(node, 'axes');
  const fromInput = optionalInput(node, 1);
  const none = (fromAttr === undefined && fromInput === undefined) || fromAttr?.length === 0 || b.info.ints(fromInput)?.length === 0;
  if (none && intAttr(node, 'noop_with_empty_axes', 0) === 1) return dY;
  // Reducing everything leaves a scalar (or all-ones shape), which Expand broadcasts directly.
  const kept = none || intAttr(node, 'keepdims', 1) === 1 ? dY : b.unsqueeze(dY, fromInput ?? fromAttr ?? []);
  return b.op('Expand', [kept, b.shape(x)], {}, 'spread');
}
