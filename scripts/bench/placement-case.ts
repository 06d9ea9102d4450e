/**
 * Where onnxruntime-node's webgpu provider places the nodes of Impasto's graphs (fast style wave,
 * the NST objectives on SqueezeNet and VGG19, MicroAST's stylize graph), on SwiftShader's Vulkan
 * driver, so it needs no GPU. Nodes doing only shape arithmetic are counted apart: ORT keeps them
 * on the CPU on purpose. Usage: tsx scripts/bench/placement-case.ts; prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore } from '@impasto/node';
import { MICROAST_FILES, buildStylizeGraph, readTorchCheckpoint } from '@impasto/core/ast';
import { buildFastStyleGraph, readFstCheckpoint } from '@impasto/core/fst';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, buildObjectiveGraph, contentTerm, loadLossNet, styleTerm, tvTerm } from '@impasto/core/nst';
import { type Graph, encodeModel } from '@impasto/core/onnx';
import { REPO, weightsDir } from '../paths';
import { cpuComputeNodes, parsePlacements } from '../webgpu/placement';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

async function graphs(): Promise<Record<string, Graph>> {
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  const out: Record<string, Graph> = { 'fst wave': buildFastStyleGraph(await readFstCheckpoint(store.source('fst/wave'))) };
  for (const name of ['squeezenet', 'vgg19'] as const) {
    const d = LOSS_NET_DEFAULTS[name];
    const net = await loadLossNet(name, store.source(LOSS_NET_MODEL[name]), [d.content, ...d.style]);
    out[`nst ${name} objective`] = buildObjectiveGraph(net, [contentTerm([net.resolve(d.content)]), styleTerm(d.style.map((l) => net.resolve(l))), tvTerm()]);
  }
  const ast = store.source('microast');
  const read = async (f: string) => readTorchCheckpoint(await ast.read(f), f);
  out['microast stylize'] = buildStylizeGraph({ contentEncoder: await read(MICROAST_FILES.contentEncoder), decoder: await read(MICROAST_FILES.decoder) });
  return out;
}

async function main() {
  const all = await graphs();
  const dir = mkdtempSync(join(tmpdir(), 'impasto-placement-'));
  const files = Object.keys(all).map((k, i) => {
    const f = join(dir, `${i}.onnx`);
    writeFileSync(f, encodeModel(all[k]!));
    return f;
  });
  // The native log sometimes reaches the pipe cut short; a fresh child repeats it.
  const complete = (p: string[]) => p.length === files.length && p.every((x) => /Node\(s\) placed on/.test(x));
  let parts: string[] = [];
  for (let attempt = 0; attempt < 3 && !complete(parts); attempt++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/webgpu/placement-child.ts'), ...files], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, VK_ICD_FILENAMES: ICD },
    });
    if (r.status !== 0) throw new Error(`placement child exited ${r.status}: ${r.stderr.slice(-2000)}`);
    parts = r.stderr.split(/^PLACEMENT /m).slice(1);
  }
  if (!complete(parts)) throw new Error('no placements in the verbose log after 3 tries');
  const rows = Object.keys(all).map((graph, i) => {
    const p = parsePlacements(parts[i]!);
    const compute = cpuComputeNodes(all[graph]!, p);
    const byOp: Record<string, number> = {};
    for (const c of compute) byOp[c.split(' ')[0]!] = (byOp[c.split(' ')[0]!] ?? 0) + 1;
    return { graph, webgpu: String(p.WebGpuExecutionProvider?.length ?? 0), cpu: String(p.CPUExecutionProvider?.length ?? 0), 'cpu compute': String(compute.length), 'cpu compute by op': Object.entries(byOp).map(([k, v]) => `${k} ${v}`).join(', ') };
  });
  console.log(JSON.stringify({ rows }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
