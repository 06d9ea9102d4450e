/**
 * Where onnxruntime-node's webgpu provider places the nodes of Impasto's graphs, on SwiftShader's
 * Vulkan driver, so it needs no GPU. Nodes doing only shape arithmetic are counted apart: ORT keeps
 * them on the CPU on purpose. Usage: tsx scripts/bench/placement-case.ts; prints one JSON line.
 */
import { PLACEMENT_GRAPHS, placementGraph } from '../webgpu/graphs';
import { placeOnWebgpu } from '../webgpu/placement';

async function main() {
  const rows = [];
  for (const graph of PLACEMENT_GRAPHS) {
    const { placements: p, cpuCompute } = await placeOnWebgpu(await placementGraph(graph));
    const byOp: Record<string, number> = {};
    for (const c of cpuCompute) byOp[c.split(' ')[0]!] = (byOp[c.split(' ')[0]!] ?? 0) + 1;
    rows.push({
      graph,
      webgpu: String(p.WebGpuExecutionProvider?.length ?? 0),
      cpu: String(p.CPUExecutionProvider?.length ?? 0),
      'cpu compute': String(cpuCompute.length),
      'cpu compute by op': Object.entries(byOp).map(([k, v]) => `${k} ${v}`).join(', ') || '-',
    });
  }
  console.log(JSON.stringify({ rows }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
