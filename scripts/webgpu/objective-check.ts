/**
 * The NST half of the WebGPU agreement checks, written once for both runtimes: the objective graph
 * (content + style + tv on SqueezeNet) on deterministic pixels, its targets computed on `targetsEp`
 * so both sides feed the objective the same numbers. Used by scripts/webgpu-check.ts (Node) and
 * the browser conformance page (packages/web/test/browser-webgpu.test.ts).
 */
import { type Backend, type ExecutionProvider, type ModelStore, type RawImage, imageToTensor } from '@impasto/core/platform';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, OBJECTIVE_IO, buildObjectiveGraph, buildTargetGraph, contentTerm, loadLossNet, styleTerm, tvTerm } from '@impasto/core/nst';
import { type Graph, type TensorData, encodeModel, float32 } from '@impasto/core/onnx';

/** The sizes: tiny, since SwiftShader runs 50–100× slower than the cpu provider. */
export const FST_SIZE = 64;
export const NST_SIZE = 32;

/** Deterministic pixels (0..255), the same in every process. */
export function pattern(width: number, height: number, salt: number): RawImage & { data: Uint8Array; channels: 3 } {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 4 + y * salt) & 255;
      data[i + 1] = (y * 4 + ((x * y) >> 3) + salt * 11) & 255;
      data[i + 2] = Math.round(128 + 127 * Math.sin((x + salt) / 5) * Math.cos(y / 7));
    }
  }
  return { data, width, height, channels: 3 };
}

export interface ObjectiveResult { provider: string; loss: number; terms: Record<string, number>; grad: number[]; ms: number }

const TERM_WEIGHTS: Record<string, number> = { content: 1, style: 1e3, tv: 0.1 };

/** The SqueezeNet objective graph at NST_SIZE² and its feeds (targets computed on `targetsEp`). */
export async function objectiveSetup(backend: Backend, store: ModelStore, targetsEp: ExecutionProvider): Promise<{ graph: Graph; feeds: Record<string, TensorData> }> {
  const d = LOSS_NET_DEFAULTS.squeezenet;
  const net = await loadLossNet('squeezenet', store.source(LOSS_NET_MODEL.squeezenet), [d.content, ...d.style]);
  const terms = [contentTerm([d.content]), styleTerm(d.style), tvTerm()];
  const targets = await backend.createSession(encodeModel(buildTargetGraph(net, terms)), { ep: targetsEp });
  const fromContent = await targets.run({ [OBJECTIVE_IO.image]: imageToTensor(pattern(NST_SIZE, NST_SIZE, 1)) });
  const fromStyle = await targets.run({ [OBJECTIVE_IO.image]: imageToTensor(pattern(NST_SIZE, NST_SIZE, 9)) });
  await targets.dispose();
  const feeds: Record<string, TensorData> = { [OBJECTIVE_IO.x]: imageToTensor(pattern(NST_SIZE, NST_SIZE, 5)) };
  for (const t of terms) {
    feeds[OBJECTIVE_IO.weight(t.name)] = float32([], [TERM_WEIGHTS[t.name]!]);
    (t.targets?.dims ?? []).forEach((_, i) => {
      const name = OBJECTIVE_IO.target(t.name, i);
      feeds[name] = (t.targets?.image === 'style' ? fromStyle : fromContent)[name]!;
    });
  }
  return { graph: buildObjectiveGraph(net, terms), feeds };
}

/** Loss, per-term values and gradient of the SqueezeNet objective at NST_SIZE² on `ep`. */
export async function objectiveCheck(backend: Backend, store: ModelStore, ep: ExecutionProvider, targetsEp: ExecutionProvider): Promise<ObjectiveResult> {
  const t0 = performance.now();
  const { graph, feeds } = await objectiveSetup(backend, store, targetsEp);
  const objective = await backend.createSession(encodeModel(graph), { ep });
  try {
    const r = await objective.run(feeds);
    return {
      provider: objective.provider,
      loss: (r[OBJECTIVE_IO.loss]!.data as Float32Array)[0]!,
      terms: Object.fromEntries(Object.keys(TERM_WEIGHTS).map((t) => [t, (r[OBJECTIVE_IO.value(t)]!.data as Float32Array)[0]!])),
      grad: Array.from(r[OBJECTIVE_IO.grad]!.data as Float32Array),
      ms: performance.now() - t0,
    };
  } finally {
    await objective.dispose();
  }
}
