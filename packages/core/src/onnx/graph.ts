import { ImpastoError } from '../errors';
import type { DType, TensorData } from './tensor';

/** A float attribute whose value happens to be integral (plain integral numbers encode as INT). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
/** A list of floats (plain number arrays encode as INTS). */
export class FloatsAttr {
  constructor(readonly value: readonly number[]) {}
}
export type AttrValue = number | readonly number[] | string | readonly string[] | TensorData | FloatAttr | FloatsAttr;

/** Helpers that make attribute types explicit where inference would guess wrong. */
export const attr = {
  float: (v: number) => new FloatAttr(v),
  floats: (v: readonly number[]) => new FloatsAttr(v),
};

export interface NodeDef {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttrValue>>;
  readonly name: string;
  readonly domain?: string;
}

/** A dimension is a size, a symbolic name (dynamic) or unknown. */
export type Dim = number | string | null;

export interface ValueInfo {
  readonly name: string;
  readonly type: DType;
  readonly shape?: readonly Dim[];
}

export interface OpOptions {
  /** Number of outputs (default 1). */
  outputs?: number;
  /** Name hint for the node and its outputs. */
  name?: string;
  domain?: string;
}

/**
 * A small ONNX graph builder. Values are plain strings (ONNX value names); every name it makes is
 * unique within the graph, and `scoped()` prefixes names so sub-graphs compose without clashes.
 */
export class Graph {
  readonly nodes: NodeDef[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers = new Map<string, TensorData>();
  /** ONNX default-domain opset version the graph targets. */
  opset = 17;
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  private prefix = '';

  constructor(readonly name = 'impasto') {}

  /** Returns an unused value name built from `hint` under the current scope. */
  fresh(hint: string): string {
    const base = this.prefix + hint;
    if (!this.used.has(base)) {
      this.used.add(base);
      return base;
    }
    let n = this.counters.get(base) ?? 1;
    while (this.used.has(`${base}_${n}`)) n++;
    this.counters.set(base, n + 1);
    const name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  /** Marks `name` as taken (for names that come from outside, like a decoded model's). */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  /** Runs `fn` with every new name prefixed by `prefix/`. */
  scoped<T>(prefix: string, fn: () => T): T {
    const saved = this.prefix;
    this.prefix = `${saved}${prefix}/`;
    try {
      return fn();
    } finally {
      this.prefix = saved;
    }
  }

  /**
   * Replaces node `index` by the nodes `build` adds (their names prefixed by `prefix/`), the last
   * of them writing the replaced node's outputs; returns how many nodes now stand in its place.
   */
  replaceNode(index: number, prefix: string, build: () => void): number {
    const old = this.nodes[index]!;
    const first = this.nodes.length;
    this.scoped(prefix, build);
    const added = this.nodes.splice(first);
    const last = added.pop()!;
    this.nodes.splice(index, 1, ...added, { ...last, outputs: old.outputs });
    return added.length + 1;
  }

  /** Declares a graph input with an exact name. */
  input(name: string, type: DType, shape?: readonly Dim[]): string {
    if (this.used.has(name)) throw new ImpastoError('INVALID_ARGUMENT', `graph value '${name}' already exists`);
    this.used.add(name);
    this.inputs.push({ name, type, shape });
    return name;
  }

  /** Declares `value` as a graph output, named `name` (an Identity is added if the names differ). */
  output(value: string, name: string = value, type: DType = 'float32', shape?: readonly Dim[]): string {
    let v = value;
    if (name !== value) {
      if (this.used.has(name)) throw new ImpastoError('INVALID_ARGUMENT', `graph value '${name}' already exists`);
      this.used.add(name);
      this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [name], attributes: {}, name: this.fresh(`${name}_identity`) });
      v = name;
    }
    this.outputs.push({ name: v, type, shape });
    return v;
  }

  /** Adds a constant tensor (stored as an initializer, which ONNX Runtime folds and shares). */
  constant(hint: string, tensor: TensorData): string {
    const name = this.fresh(hint);
    this.initializers.set(name, tensor);
    return name;
  }

  /** Adds a node and returns its outputs' names. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue> = {}, options: OpOptions = {}): string[] {
    const hint = options.name ?? opType.toLowerCase();
    const count = options.outputs ?? 1;
    const outputs = Array.from({ length: count }, (_, i) => this.fresh(count === 1 ? hint : `${hint}_out${i}`));
    this.nodes.push({ opType, inputs: [...inputs], outputs, attributes, name: this.fresh(`${hint}_node`), domain: options.domain });
    return outputs;
  }

  /** Adds a single-output node and returns its output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue> = {}, options: OpOptions = {}): string {
    return this.node(opType, inputs, attributes, { ...options, outputs: 1 })[0]!;
  }

  /** The node that produces `value`, if any. */
  producer(value: string): NodeDef | undefined {
    return this.nodes.find((n) => n.outputs.includes(value));
  }

  /**
   * Copies `other`'s nodes and initializers into this graph under `prefix`, binding its inputs to
   * values of this graph. Returns this graph's names for `other`'s outputs, keyed by their names.
   * Inputs of `other` left unbound become inputs of this graph.
   */
  include(other: Graph, bind: Readonly<Record<string, string>> = {}, prefix = other.name): Record<string, string> {
    const rename = new Map<string, string>();
    this.scoped(prefix, () => {
      for (const inp of other.inputs) {
        const bound = bind[inp.name];
        if (bound !== undefined) rename.set(inp.name, bound);
        else rename.set(inp.name, this.input(this.fresh(inp.name), inp.type, inp.shape));
      }
      for (const [name, t] of other.initializers) rename.set(name, this.constant(name, t));
      for (const n of other.nodes) for (const o of n.outputs) rename.set(o, this.fresh(o));
    });
    const r = (v: string) => (v === '' ? '' : (rename.get(v) ?? v));
    for (const n of other.nodes) {
      this.nodes.push({ ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r), name: this.fresh(`${prefix}/${n.name}`) });
    }
    return Object.fromEntries(other.outputs.map((o) => [o.name, r(o.name)]));
  }
}

/**
 * The part of `g` that computes `outputs` (names of `g`'s outputs): the other outputs, the nodes
 * none of these need, and the inputs and initializers only those used are left out. ONNX Runtime
 * runs every node of a session whatever is fetched, so a prefix of a network is its own graph.
 */
export function subgraph(g: Graph, outputs: readonly string[], name = g.name): Graph {
  const sub = new Graph(name);
  sub.opset = g.opset;
  const needed = new Set(outputs);
  const kept: NodeDef[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const v of n.inputs) if (v) needed.add(v);
  }
  for (const o of outputs) {
    const info = g.outputs.find((x) => x.name === o);
    if (!info) throw new ImpastoError('INVALID_ARGUMENT', `graph ${g.name} has no output '${o}'`);
    sub.outputs.push(info);
  }
  sub.nodes.push(...kept.reverse());
  sub.inputs.push(...g.inputs.filter((i) => needed.has(i.name)));
  for (const [k, t] of g.initializers) if (needed.has(k)) sub.initializers.set(k, t);
  return sub;
}
