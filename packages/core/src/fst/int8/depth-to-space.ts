import { ImpastoError } from '../../errors';
import type { Graph } from '../../onnx/graph';
import { type TensorData, float32, int64 } from '../../onnx/tensor';

/**
 * The transformer's stride-2 3×3 ConvTranspose (TensorFlow SAME: pads [0, 0, 1, 1]) as a 2×2 Conv
 * to four times the channels followed by DepthToSpace, exactly: output row 2m takes kernel rows 0
 * (input row m) and 2 (row m - 1), row 2m + 1 takes kernel row 1 (row m); columns alike. ONNX
 * Runtime fuses a quantized Conv into QLinearConv, which it cannot do for ConvTranspose.
 * `kernels`: only the ConvTransposes with these kernels (default: all).
 */
export function upsampleByDepthToSpace(g: Graph, kernels?: ReadonlySet<string>): void {
  for (let i = 0; i < g.nodes.length; i++) {
    const n = g.nodes[i]!;
    if (n.opType !== 'ConvTranspose' || (kernels && !kernels.has(n.inputs[1]!))) continue;
    const [x, kernel] = n.inputs as [string, string];
    const w = g.initializers.get(kernel);
    const strides = n.attributes.strides as readonly number[] | undefined;
    const pads = n.attributes.pads as readonly number[] | undefined;
    if (!w || w.type !== 'float32' || w.dims[2] !== 3 || w.dims[3] !== 3 || `${strides}` !== '2,2' || `${pads}` !== '0,0,1,1' || n.inputs.length > 2) {
      throw new ImpastoError('UNSUPPORTED_OP', `${n.name}: only a bias-free 3×3 stride-2 ConvTranspose with SAME padding becomes Conv + DepthToSpace`);
    }
    g.initializers.delete(kernel);
    g.initializers.set(kernel, phaseKernel(w as TensorData<'float32'>));
    const phases = g.fresh(`${n.outputs[0]}_phases`);
    g.nodes.splice(
      i,
      1,
      { opType: 'Conv', inputs: [x, kernel], outputs: [phases], attributes: { pads: [1, 1, 0, 0] }, name: g.fresh(`${n.name}_conv`) },
      { opType: 'DepthToSpace', inputs: [phases], outputs: [n.outputs[0]!], attributes: { blocksize: 2, mode: 'CRD' }, name: g.fresh(`${n.name}_depth_to_space`) },
    );
  }
}

// Kernel tap feeding output phase `phase` (0: even, 1: odd) from window position `r` (0: input
// index m - 1, 1: index m), or -1 where that phase takes nothing from there.
const tap = (phase: number, r: number) => (phase === 0 ? (r === 0 ? 2 : 0) : r === 1 ? 1 : -1);

/** ConvTranspose kernel [in, out, 3, 3] → Conv kernel [out·4, in, 2, 2], channel o·4 + 2·rowPhase + colPhase (DepthToSpace CRD). */
export function phaseKernel(w: TensorData<'float32'>): TensorData<'float32'> {
  const [cin, cout] = w.dims as [number, number];
  const out = new Float32Array(cout * 4 * cin * 4);
  for (let o = 0; o < cout; o++)
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < cin; c++)
          for (let r = 0; r < 2; r++)
            for (let s = 0; s < 2; s++) {
              const [kr, ks] = [tap(a, r), tap(b, s)];
              if (kr < 0 || ks < 0) continue;
              out[(((o * 4 + a * 2 + b) * cin + c) * 2 + r) * 2 + s] = w.data[((c * cout + o) * 3 + kr) * 3 + ks]!;
            }
  return float32([cout * 4, cin, 2, 2], out);
}

/**
 * Rewrites, in place, each CRD DepthToSpace as two transposes that compute the same permutation:
 * first the column phase moves innermost ([C·b, b, H, W] → [C·b, H, W, b]), then the row phase
 * moves between the rows ([C, b, H, b·W] → [C, H, b, b·W]), with free reshapes between.
 * ONNX Runtime runs DepthToSpace as one generic 6-D transpose (7 ms for 8 MB of uint8 at 2
 * threads); these two take 3.7 ms together, and the int8 network at 512² on 2 cores gains about
 * 20 ms of its 195. Exact.
 */
export function depthToSpaceAsTransposes(g: Graph): void {
  for (let i = 0; i < g.nodes.length; i++) {
    const n = g.nodes[i]!;
    if (n.opType !== 'DepthToSpace' || (n.attributes.mode ?? 'DCR') !== 'CRD') continue;
    const b = n.attributes.blocksize as number;
    i += g.replaceNode(i, n.name, () => {
      const [x] = n.inputs as [string];
      const hw = g.op('Shape', [x], { start: 2 });
      const shape = (lead: readonly number[], scale: readonly number[]) => g.op('Concat', [g.constant('lead', int64([2], lead)), g.op('Mul', [hw, g.constant('scale', int64([2], scale))])], { axis: 0 });
      const columns = g.op('Transpose', [g.op('Reshape', [x, shape([-1, b], [1, 1])])], { perm: [0, 2, 3, 1] });
      const rows = g.op('Transpose', [g.op('Reshape', [columns, shape([-1, b], [1, b])])], { perm: [0, 2, 1, 3] });
      g.op('Reshape', [rows, shape([1, -1], [b, b])]);
    }) - 1;
  }
}
