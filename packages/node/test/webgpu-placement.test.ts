/**
 * Every compute node of Impasto's graphs runs on onnxruntime-node's webgpu provider: read from
 * ONNX Runtime's verbose placement log on SwiftShader's Vulkan driver (no GPU needed). CPU nodes
 * that only do shape arithmetic are allowed (ORT keeps those on the CPU on purpose, and they cost
 * nothing); a float op on the CPU means two copies across the bus per run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Graph } from '@impasto/core/onnx';
import { weightsDir } from '@impasto/test-support/paths';
import { PLACEMENT_GRAPHS, placementGraph } from '@impasto/test-support/webgpu/graphs';
import { SWIFTSHADER_ICD, placeOnWebgpu } from '@impasto/test-support/webgpu/placement';

const missing = existsSync(SWIFTSHADER_ICD)
  ? ['fst/wave', 'squeezenet1_1-caffe', 'vgg19-tfjs', 'microast'].every((d) => existsSync(join(weightsDir(), d)))
    ? undefined
    : `no weights mirror at ${weightsDir()} (set IMPASTO_WEIGHTS)`
  : `${SWIFTSHADER_ICD} not found (SwiftShader's Vulkan driver: apt-get install -y chromium)`;
if (missing && process.env.CI) throw new Error(`the webgpu placement test needs SwiftShader and the weights in CI: ${missing}`);
if (missing) console.warn(`SKIPPED the webgpu placement tests: ${missing}`);

(missing ? describe.skip : describe)('webgpu placement (SwiftShader)', () => {
  it('the check sees a float op the webgpu provider lacks (ONNX Sum) on the CPU', async () => {
    const g = new Graph('sum');
    const [a, b] = [g.input('a', 'float32', [1, 4]), g.input('b', 'float32', [1, 4])];
    g.output(g.op('Relu', [g.op('Sum', [a, b, a])]), 'y');
    const { placements, cpuCompute } = await placeOnWebgpu(g);
    expect(placements.WebGpuExecutionProvider?.map((n) => n.op)).toContain('Relu');
    expect(cpuCompute.map((n) => n.split(' ')[0])).toEqual(['Sum']);
  }, 60_000);

  it.each(PLACEMENT_GRAPHS)('%s: no compute node on the CPU provider', async (name) => {
    const { placements, cpuCompute } = await placeOnWebgpu(await placementGraph(name));
    console.log(`webgpu placement, ${name}: ${placements.WebGpuExecutionProvider?.length ?? 0} nodes on webgpu, ${placements.CPUExecutionProvider?.length ?? 0} on cpu (${cpuCompute.length} computing)`);
    expect(placements.WebGpuExecutionProvider?.length ?? 0).toBeGreaterThan(50);
    expect(cpuCompute).toEqual([]);
  }, 120_000);
});
