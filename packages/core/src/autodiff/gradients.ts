import type { Graph, NodeDef } from '../onnx/graph';
import { float32 } from '../onnx/tensor';
import { ImpastoError } from '../errors';
import { GradBuilder } from './builder';
import { gradientRule } from './registry';
import { StaticInfo } from './static-info';
import type { GradContext, GradRule } from './types';

/** The nodes `loss` is computed from, inputs before consumers (iterative DFS: graphs can be deep). */
function ancestors(g: Graph, loss: string): NodeDef[] {
  const producer = new Map<string, NodeDef>();
  for (const n of g.nodes) for (const o of n.outputs) if (o !== '') producer.set(o, n);
  const order: NodeDef[] = [];
  const seen = new Set<NodeDef>();
  const root = producer.get(loss);
  if (!root) return order;
  const stack: [NodeDef, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.inputs.length) {
      top[1]++;
      const p = producer.get(node.inputs[next]!);
      if (p && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

function differentiable(rule: GradRule | undefined, node: NodeDef): readonly number[] {
  // An op without a rule is assumed to pass gradient through every input, so that it is reported.
  if (!rule?.differentiable) return node.inputs.map((_, i) => i);
  return typeof rule.differentiable === 'function' ? rule.differentiable(node) : rule.differentiable;
}

/** A node on the gradient path, with the rule that differentiates it. */
export interface PathNode {
  readonly node: NodeDef;
  readonly rule: GradRule | undefined;
  /** Inputs that depend on `wrt` through differentiable edges. */
  readonly live: ReadonlySet<number>;
}

/**
 * Nodes on a differentiable path from some `wrt` value to `loss`, consumers first: the nodes
 * whose rules `addGradients` runs (exported for the registry's test-coverage check).
 */
export function gradientPath(g: Graph, loss: string, wrt: readonly string[]): PathNode[] {
  const order = ancestors(g, loss);
  const depends = new Set(wrt);
  const live = new Map<NodeDef, Set<number>>();
  for (const node of order) {
    const rule = gradientRule(node.opType, node.domain);
    const l = new Set(differentiable(rule, node).filter((i) => depends.has(node.inputs[i] ?? '')));
    live.set(node, l);
    if (l.size > 0) for (const o of node.outputs) if (o !== '') depends.add(o);
  }
  const feeds = new Set([loss]);
  const path: PathNode[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    const l = live.get(node)!;
    if (l.size === 0 || !node.outputs.some((o) => feeds.has(o))) continue;
    path.push({ node, rule: gradientRule(node.opType, node.domain), live: l });
    for (const i of l) feeds.add(node.inputs[i]!);
  }
  return path;
}

/**
 * Appends reverse-mode gradient nodes to `g` and returns, for each name in `wrt`, the value holding
 * d(loss)/d(wrt) (same shape as that value). `loss` must be a scalar or one-element tensor. Only
 * nodes on a path from `wrt` to `loss` are differentiated; values used several times have their
 * gradients summed; a `wrt` value the loss does not depend on gets zeros. Shapes are read at run
 * time, so the graph keeps accepting any input size. Throws `UNSUPPORTED_OP` naming the first op
 * on the path without a gradient rule; on any error `g` is left as it was.
 */
export function addGradients(g: Graph, loss: string, wrt: readonly string[]): Record<string, string> {
  if (g.opset < 13) throw new ImpastoError('UNSUPPORTED_OP', `gradients need opset 13 or later; the graph targets opset ${g.opset}`);
  for (const v of [loss, ...wrt]) {
    if (!g.has(v)) throw new ImpastoError('INVALID_ARGUMENT', `'${v}' is not a value of graph '${g.name}'`);
  }
  const path = gradientPath(g, loss, wrt);
  for (const { node, rule } of path) {
    if (!rule) throw new ImpastoError('UNSUPPORTED_OP', `no gradient for ONNX op '${node.opType}' (node '${node.name}')`);
  }
  const nodeCount = g.nodes.length;
  const initializers = new Set(g.initializers.keys());
  const replaced: [number, NodeDef][] = [];
  try {
    return g.scoped('grad', () => backward(g, loss, wrt, path, replaced));
  } catch (e) {
    g.nodes.length = nodeCount;
    for (const [i, original] of replaced.reverse()) g.nodes[i] = original;
    for (const name of [...g.initializers.keys()]) if (!initializers.has(name)) g.initializers.delete(name);
    throw e;
  }
}

function backward(g: Graph, loss: string, wrt: readonly string[], path: readonly PathNode[], replaced: [number, NodeDef][]): Record<string, string> {
  const b = new GradBuilder(g, new StaticInfo(g));
  const parts = new Map<string, string[]>();
  const totals = new Map<string, string>();
  // Called only once every consumer of v has run (path is in reverse topological order).
  const gradOf = (v: string): string | undefined => {
    const done = totals.get(v);
    if (done !== undefined) return done;
    const list = parts.get(v);
    if (!list) return undefined;
    const total = b.sum(list, 'accumulate');
    totals.set(v, total);
    return total;
  };
  parts.set(loss, [b.op('ConstantOfShape', [b.shape(loss)], { value: float32([1], [1]) }, 'seed')]);
  for (const { node, rule, live } of path) {
    const dy = node.outputs.map((o) => (o === '' ? undefined : gradOf(o)));
    if (dy.every((d) => d === undefined)) continue;
    let current = node;
    const ctx: GradContext = {
      b,
      node,
      dy,
      // Another output (not the first) may be the only one reached; the first then contributes 0.
      get dY() {
        return dy[0] ?? b.zerosLike(node.outputs[0]!);
      },
      needs: node.inputs.map((_, i) => live.has(i)),
      replaceNode(next) {
        const at = g.nodes.indexOf(current);
        replaced.push([at, current]);
        g.nodes[at] = next;
        current = next;
      },
    };
    const grads = rule!.grad(ctx);
    for (const i of live) {
      const d = grads[i];
      if (d === undefined) continue;
      const input = node.inputs[i]!;
      const list = parts.get(input);
      if (list) list.push(d);
      else parts.set(input, [d]);
    }
  }
  return Object.fromEntries(wrt.map((w) => [w, gradOf(w) ?? b.zerosLike(w)]));
}
