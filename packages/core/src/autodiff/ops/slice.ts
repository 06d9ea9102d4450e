import type { NodeDef } from '../../onnx/graph';
import { int64 } from '../../onnx/tensor';
import { optionalInput } from '../attrs';
import type { GradBuilder } from '../builder';
import type { GradRule } from '../types';

const INT64 = 7; // TensorProto.INT64

/**
 * Unit steps: the slice is a box, so its gradient is dY zero-padded back out. The box's corners
 * follow Slice's clamping rules (negative indices count from the end), computed at run time.
 */
function padBack(b: GradBuilder, node: NodeDef, dY: string): string {
  const x = node.inputs[0]!;
  const [starts, ends] = [node.inputs[1]!, node.inputs[2]!];
  const shape = b.shape(x);
  const rank = b.op('Shape', [shape], {}, 'rank');
  const given = optionalInput(node, 3);
  const rawAxes = given ?? b.op('Range', [b.int(0), b.size(starts), b.int(1)], {}, 'axes');
  const axes64 = b.op('Cast', [rawAxes], { to: INT64 });
  const axes = b.op('Where', [b.op('Less', [axes64, b.int(0)]), b.op('Add', [axes64, rank]), axes64], {}, 'axes');
  const dim = b.op('Gather', [shape, axes], { axis: 0 }, 'dim');
  const clamp = (v: string) => {
    const v64 = b.op('Cast', [v], { to: INT64 });
    const wrapped = b.op('Where', [b.op('Less', [v64, b.int(0)]), b.op('Add', [v64, dim]), v64]);
    return b.op('Min', [b.op('Max', [wrapped, b.int(0)]), dim]);
  };
  const begin = clamp(starts);
  const end = b.op('Max', [clamp(ends), begin]);
  // Scatter the per-axis amounts into a full pads vector [begins..., ends...] of length 2·rank.
  const zeros = b.op('ConstantOfShape', [b.op('Mul', [rank, b.int(2)])], { value: int64([1], [0]) }, 'zero_pads');
  const where = b.op('Concat', [axes, b.op('Add', [axes, rank])], { axis: 0 });
  const amounts = b.op('Concat', [begin, b.op('Sub', [dim, end])], { axis: 0 });
  const pads = b.op('ScatterElements', [zeros, where, amounts], { axis: 0 }, 'pads');
  return b.op('Pad', [dY, pads], {}, 'slice_grad');
}

/**
 * Any steps: slice a tensor of flat indices the same way and scatter dY to the elements it names.
 */
function scatterBack(b: GradBuilder, node: NodeDef, dY: string): string {
  const x = node.inputs[0]!;
  const flatIndex = b.op('Range', [b.int(0), b.size(x), b.int(1)], {}, 'flat_index');
  const index = b.reshapeLike(flatIndex, x);
  const picked = b.op('Slice', [index, ...node.inputs.slice(1)], node.attributes, 'picked');
  const flat = b.op(
    'ScatterElements',
    [b.fill(b.numel(x), 0), b.op('Reshape', [picked, b.ints([-1])]), b.op('Reshape', [dY, b.ints([-1])])],
    { axis: 0 },
  );
  return b.reshapeLike(flat, x);
}

/** Slice (opset 10+, starts/ends/axes/steps as inputs). */
export const slice: GradRule = {
  opType: 'Slice',
  differentiable: [0],
  grad({ b, node, dY }) {
    const steps = optionalInput(node, 4);
    const unit = steps === undefined || b.info.ints(steps)?.every((s) => s === 1) === true;
    const inputForm = node.inputs.length >= 3;
    return [unit && inputForm ? padBack(b, node, dY) : scatterBack(b, node, dY)];
  },
};
