import { ImpastoError } from '../../errors';
import type { Graph } from '../../onnx/graph';
import { float32, int64 } from '../../onnx/tensor';
import { cropImage } from '../../image/raw-image';
import { MATTING_EPSILON, mattingWindows } from '../matting';
import type { ObjectiveTerm } from './term';

const BIG = 0x7fffffffffffffffn;

/**
 * L·p for the matting Laplacian L of the guide, with `p` [K, 1, H, W] (K planes, e.g. colour
 * channels as a batch) and the guide's window statistics (`mattingWindows`), never building L
 * (He et al. 2010's trick, in centred form so float32 keeps the small differences ε makes large):
 * `inverse` is [1, 3, 3, h, w], `mean` [1, 3, h, w] over the (H − 2) × (W − 2) windows.
 * Per window k and pixel j in it, q_j = p_j − p̄_k, a_k = (Σ_k + ε/9)⁻¹/9 · Σ_j (I_j − μ_k) q_j,
 * and window k adds q_j − (I_j − μ_k)ᵀ a_k to (Lp)_j.
 */
export function mattingLaplacianTimes(g: Graph, p: string, guide: string, mean: string, inverse: string): string {
  return mattingLaplacian(g, p, guide, mean, inverse).lp;
}

/**
 * `mattingLaplacianTimes`, and pᵀLp computed stably: per window, min over a of
 * Σ_j (q_j − (I_j − μ_k)ᵀa)² + ε|a|² is attained at that a_k and equals p_kᵀ L_k p_k, so the value
 * is Σ r² + ε·Σ |a|² (a sum of squares: never negative, whatever float32 rounds), where Σ p·Lp
 * cancels to noise when the result is nearly an affine transform of the photo.
 */
export function mattingLaplacian(g: Graph, p: string, guide: string, mean: string, inverse: string, epsilon = MATTING_EPSILON): { lp: string; quadratic: string } {
  return g.scoped('laplacian', () => {
    const axes = g.constant('axes', int64([2], [2, 3]));
    const at = (v: string, dy: number, dx: number) =>
      g.op('Slice', [v, g.constant('start', int64([2], [dy, dx])), g.constant('end', int64([2], [dy === 2 ? BIG : dy - 2, dx === 2 ? BIG : dx - 2])), axes], {}, { name: `at${dy}${dx}` });
    const offsets = Array.from({ length: 9 }, (_, o) => [Math.floor(o / 3), o % 3] as const);
    const ps = offsets.map(([dy, dx]) => at(p, dy, dx)); // [K, 1, h, w]
    const mean9 = g.op('Mul', [g.op('Sum', ps, {}, { name: 'psum' }), g.constant('ninth', float32([], [1 / 9]))], {}, { name: 'pbar' });
    const qs = ps.map((q) => g.op('Sub', [q, mean9], {}, { name: 'q' }));
    const ds = offsets.map(([dy, dx]) => g.op('Sub', [at(guide, dy, dx), mean], {}, { name: 'd' })); // [1, 3, h, w]
    const s = g.op('Sum', ds.map((d, o) => g.op('Mul', [d, qs[o]!], {}, { name: 'dq' })), {}, { name: 's' }); // [K, 3, h, w]
    // a_i = Σ_j inverse[i, j] · s_j
    const a = g.op('ReduceSum', [g.op('Mul', [inverse, g.op('Unsqueeze', [s, g.constant('ax', int64([1], [1]))], {}, { name: 's5' })], {}, { name: 'inv_s' }), g.constant('axes', int64([1], [2]))], { keepdims: 0 }, { name: 'a' });
    const rs = offsets.map((_, o) => {
      const da = g.op('ReduceSum', [g.op('Mul', [ds[o]!, a], {}, { name: 'da' }), g.constant('axes', int64([1], [1]))], { keepdims: 1 }, { name: 'da_sum' });
      return g.op('Sub', [qs[o]!, da], {}, { name: 'r' });
    });
    const placed = offsets.map(([dy, dx], o) => g.op('Pad', [rs[o]!, g.constant('pads', int64([8], [0, 0, dy, dx, 0, 0, 2 - dy, 2 - dx]))], { mode: 'constant' }, { name: 'placed' }));
    const squares = g.op('Sum', rs.map((r) => g.op('Mul', [r, r], {}, { name: 'r2' })), {}, { name: 'r2_sum' });
    const ridge = g.op('Mul', [g.op('ReduceSum', [g.op('Mul', [a, a], {}, { name: 'a2' })], { keepdims: 0 }, { name: 'a2_sum' }), g.constant('epsilon', float32([], [epsilon]))], {}, { name: 'ridge' });
    const quadratic = g.op('Add', [g.op('ReduceSum', [squares], { keepdims: 0 }, { name: 'r2_total' }), ridge], {}, { name: 'quadratic' });
    return { lp: g.op('Sum', placed, {}, { name: 'lp' }), quadratic };
  });
}

/**
 * The photorealism regulariser of Luan et al. 2017: Σ_c V_cᵀ L V_c, V_c the optimised image's
 * channel c on 0..1 and L the matting Laplacian of the content photo (3×3 windows, ε 1e-7): small
 * when the result is locally an affine colour transform of the photo. Its gradient, 2·L·V_c (÷255
 * for the 0..255 image), is built with it, not by the autodiff. A sum over pixels: tiles add up.
 * Weight: `photorealism` (Luan's λ). Throws `INVALID_ARGUMENT` for a run without a photo. Its
 * operator takes 15 floats a pixel, made per tile in a tiled run, and none at weight 0.
 */
export function photorealismTerm(epsilon = MATTING_EPSILON): ObjectiveTerm {
  return {
    name: 'photorealism',
    weightOption: 'photorealism',
    reduction: 'sum',
    layers: [],
    key: ['photorealism', 'centred', epsilon],
    inputs: [
      { name: 'guide', dims: [1, 3, 'height', 'width'] },
      { name: 'mean', dims: [1, 3, null, null] },
      { name: 'inverse', dims: [1, 3, 3, null, null] },
    ],
    prepare: (run) => {
      if (!run.content && run.options.photorealism > 0) throw new ImpastoError('INVALID_ARGUMENT', 'photorealism needs a content photo');
      if (!run.content || !(run.options.photorealism > 0)) {
        // Weight 0: any operator will do; a flat 3x3 one broadcasts over the image and costs no memory.
        const flat = windowFeeds(mattingWindows({ data: new Uint8Array(27).fill(128), width: 3, height: 3, channels: 3 }, epsilon));
        return { whole: flat.whole, tile: flat.whole };
      }
      const content = run.content;
      return {
        whole: () => windowFeeds(mattingWindows(content, epsilon)).whole(),
        // A tile's windows are those inside it, so its operator comes from its own pixels.
        tile: (r) => windowFeeds(mattingWindows(cropImage(content, r), epsilon)).whole(),
      };
    },
    build: (g, io) =>
      g.scoped('photorealism', () => {
        const v = g.op('Mul', [io.x, g.constant('to_unit', float32([], [1 / 255]))], {}, { name: 'v' });
        const planes = g.op('Transpose', [v], { perm: [1, 0, 2, 3] }, { name: 'planes' }); // [3, 1, H, W]
        const { lp: lv, quadratic: value } = mattingLaplacian(g, planes, io.inputs.guide!, io.inputs.mean!, io.inputs.inverse!, epsilon);
        const grad = g.op('Mul', [g.op('Transpose', [lv], { perm: [1, 0, 2, 3] }, { name: 'lv_nchw' }), g.constant('two_over_255', float32([], [2 / 255]))], {}, { name: 'grad' });
        return { value, grad };
      }),
  };
}

function windowFeeds(m: ReturnType<typeof mattingWindows>) {
  const { width: W, height: H } = m;
  const feeds = { guide: float32([1, 3, H, W], m.guide), mean: float32([1, 3, H - 2, W - 2], m.mean), inverse: float32([1, 3, 3, H - 2, W - 2], m.inverse) };
  return { whole: () => feeds };
}
