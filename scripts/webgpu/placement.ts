/**
 * Where ONNX Runtime's webgpu provider places each node of a graph, read from its verbose session
 * log ("Node placements"), and which of the CPU nodes only compute shapes (ORT keeps those on the
 * CPU on purpose). Runs on SwiftShader's Vulkan driver, so it needs no GPU.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Graph, decodeModel, encodeModel } from '@impasto/core/onnx';
import { REPO } from '../paths';

/** SwiftShader's Vulkan driver, from Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Nodes by execution provider: `{ WebGpuExecutionProvider: [{ op, name }], … }`. */
export type Placements = Record<string, { op: string; name: string }[]>;

/** The "Node placements" block of a verbose ONNX Runtime session log. */
export function parsePlacements(log: string): Placements {
  const out: Placements = {};
  let ep: string | undefined;
  for (const line of log.split('\n')) {
    const header = /Node\(s\) placed on \[(\w+)\]/.exec(line);
    if (header) {
      ep = header[1]!;
      out[ep] = [];
      continue;
    }
    const node = /VerifyEachNodeIsAssignedToAnEp\]\s{3}(\w+) \((.*)\)\s*$/.exec(line);
    if (node && ep) out[ep]!.push({ op: node[1]!, name: node[2]! });
    else if (ep && !/VerifyEachNodeIsAssignedToAnEp/.test(line)) ep = undefined;
  }
  return out;
}

/**
 * Names of the nodes that only do shape arithmetic: Shape and Size, and nodes whose every input
 * comes from one of them, an integer or boolean initializer (ORT folds shape arithmetic into
 * those) or another such node.
 */
export function shapeOnlyNodes(g: Graph): Set<string> {
  const shapeValues = new Set<string>([...g.initializers].filter(([, t]) => t.type !== 'float32').map(([k]) => k));
  const names = new Set<string>();
  for (const n of g.nodes) {
    // Shape and Size read only a tensor's dimensions.
    const source = n.opType === 'Shape' || n.opType === 'Size';
    const shape = source || (n.inputs.length > 0 && n.inputs.every((v) => v === '' || shapeValues.has(v)));
    if (!shape) continue;
    names.add(n.name);
    for (const o of n.outputs) shapeValues.add(o);
  }
  return names;
}

/** Where one graph's nodes went, and the CPU nodes that do more than shape arithmetic (`op name`). */
export interface GraphPlacement {
  placements: Placements;
  cpuCompute: string[];
}

/**
 * The nodes on the CPU provider that do more than shape arithmetic, judged on `optimized`, the
 * graph as ORT rewrote it (its own nodes, e.g. `Gather_token_12`, are not in ours).
 */
export function cpuComputeNodes(optimized: Graph, p: Placements): string[] {
  const shapes = shapeOnlyNodes(optimized);
  return (p.CPUExecutionProvider ?? []).filter((n) => !shapes.has(n.name)).map((n) => `${n.op} ${n.name}`);
}

function runChild(file: string, optimized: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // cwd: the repository, so tsx maps @impasto/* to the sources as jest does.
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD };
    // VK_DRIVER_FILES would override VK_ICD_FILENAMES.
    delete env.VK_DRIVER_FILES;
    const p = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/webgpu/placement-child.ts'), file, optimized], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Opens `graph` on onnxruntime-node's webgpu provider (SwiftShader) in a child process and reports
 * its placements. The native log sometimes reaches the pipe cut short; a fresh child repeats it.
 * @throws Error when the child fails or five tries give no complete placement block.
 */
export async function placeOnWebgpu(graph: Graph): Promise<GraphPlacement> {
  const dir = mkdtempSync(join(tmpdir(), 'impasto-placement-'));
  try {
    const file = join(dir, 'graph.onnx');
    const optimized = join(dir, 'optimized.onnx');
    writeFileSync(file, encodeModel(graph));
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await runChild(file, optimized);
      if (r.code !== 0) throw new Error(`placement child exited ${r.code}: ${r.stderr.slice(-2000)}`);
      const placements = parsePlacements(r.stderr);
      const placed = Object.values(placements).reduce((n, l) => n + l.length, 0);
      last = r.stderr;
      if (!/Session successfully initialized/.test(r.stderr) || placed === 0) continue;
      return { placements, cpuCompute: cpuComputeNodes(decodeModel(readFileSync(optimized)), placements) };
    }
    const tail = last.split('\n').filter((l) => !/VerifyEachNodeIsAssignedToAnEp/.test(l)).slice(-5).join('\n');
    throw new Error(`no complete placement block in the verbose log after 5 tries; the last log ended:\n${tail}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
