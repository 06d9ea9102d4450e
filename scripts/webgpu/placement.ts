/**
 * Where ONNX Runtime places each node of a graph, read from its verbose session log ("Node
 * placements"), and which nodes only compute shapes (ORT keeps those on the CPU on purpose).
 */
import type { Graph } from '@impasto/core/onnx';

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
 * comes from one of them, an int64 initializer or another such node (ORT assigns these to the
 * CPU on purpose, where they cost nothing).
 */
export function shapeOnlyNodes(g: Graph): Set<string> {
  const shapeValues = new Set<string>([...g.initializers].filter(([, t]) => t.type === 'int64').map(([k]) => k));
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

/** The nodes on the CPU provider that do more than shape arithmetic. */
export function cpuComputeNodes(g: Graph, p: Placements): string[] {
  const shapes = shapeOnlyNodes(g);
  return (p.CPUExecutionProvider ?? []).filter((n) => !shapes.has(n.name)).map((n) => `${n.op} ${n.name}`);
}
