import { ImpastoError } from '../errors';
import type { Graph } from '../onnx/graph';
import { int64, sizeOf, type TensorData } from '../onnx/tensor';
import { reportCoreMoments } from '../tiles/core-moments';
import { sharedConstant } from './shared-constant';

/**
 * How a network's parameters enter its graph: `constant` as initializers read from a table
 * (inference), `input` as graph inputs of fixed shape named like the parameter (training, blending).
 */
export type ParamBinding = 'constant' | 'input';

/** The tensors a network's parameters are read from, by parameter name (a `Map` is one). */
export interface ParamTable {
  get(name: string): TensorData | undefined;
  keys(): Iterable<string>;
}

/** A plain record of tensors as a `ParamTable`. */
export function paramTable(params: Readonly<Record<string, TensorData>>): ParamTable {
  return { get: (name) => (Object.hasOwn(params, name) ? params[name] : undefined), keys: () => Object.keys(params) };
}

export interface LayersOptions {
  /** Default `constant`. */
  readonly bind?: ParamBinding;
  /** The parameters' tensors: needed to bind constants; with `input`, checked when given. */
  readonly params?: ParamTable;
  /** What the parameters are, for errors: `fast-style parameters`. */
  readonly what: string;
  /** The graph value a parameter is bound to (default: the parameter's own name). */
  readonly valueName?: (param: string) => string;
  /** The error for a parameter `params` lacks (default `BAD_MODEL: <what> lack <param>`). */
  readonly missing?: (param: string) => ImpastoError;
  /**
   * Shared statistics, for tiles of one large image: the tile core input ([top, left, bottom,
   * right] in input pixels). Norm layers then take the whole image's statistics as inputs and
   * report the tile's own (see `sharedStatistics`).
   */
  readonly core?: string;
}

/**
 * The one way networks are built here (the fast-style transformer, MicroAST, the loss nets):
 * each layer is built inside `layer(name, …)`, which names its nodes `name/…` and its parameters
 * `name.kind`, nesting; `param` binds a parameter as the options say and checks its shape.
 */
export class Layers {
  private readonly path: string[] = [];
  private readonly used = new Set<string>();
  private readonly bind: ParamBinding;
  /** How many input pixels one activation pixel spans here; strided layers keep it. */
  scale = 1;

  constructor(
    readonly g: Graph,
    private readonly options: LayersOptions,
  ) {
    this.bind = options.bind ?? 'constant';
    if (this.bind === 'constant' && !options.params) throw new ImpastoError('INVALID_ARGUMENT', `${options.what} are needed to bind them as constants`);
  }

  /** Builds layer `name`: its nodes are named `name/…` and its parameters `name.…`, nesting. */
  layer<T>(name: string, build: () => T): T {
    this.path.push(name);
    try {
      return this.g.scoped(name, build);
    } finally {
      this.path.pop();
    }
  }

  /** The current layer's name, dotted like its parameters. */
  get name(): string {
    return this.path.join('.');
  }

  /** Whether norm layers share whole-image statistics (tiles). */
  get shared(): boolean {
    return this.options.core !== undefined;
  }

  /** The current layer's parameter `kind` (`kernel`, `conv_layer.weight`, …), which has `shape`. */
  param(kind: string, shape: readonly number[]): string {
    const param = [...this.path, kind].join('.');
    const { params, what } = this.options;
    const t = params?.get(param);
    if (params) {
      if (!t) throw this.options.missing?.(param) ?? new ImpastoError('BAD_MODEL', `${what} lack ${param}`);
      const fits = t.type === 'float32' && t.dims.length === shape.length && t.dims.every((d, i) => d === shape[i]) && t.data?.length === sizeOf(shape);
      if (!fits) throw new ImpastoError('BAD_MODEL', `${what}: ${param} is ${t.type} [${t.dims?.join(', ')}]; the network needs float32 [${shape.join(', ')}]`);
    }
    this.used.add(param);
    const value = this.options.valueName?.(param) ?? param;
    if (this.bind === 'input') return this.g.input(value, 'float32', shape);
    // A tensor bound twice in one graph (a loss net run on several images) is one initializer.
    return sharedConstant(this.g, value, t!, { exact: true });
  }

  /** The parameters bound so far, by name. */
  get bound(): ReadonlySet<string> {
    return this.used;
  }

  /** Refuses (`BAD_MODEL`) tensors of `params` the network never asked for: a wrong file or a misspelt name. */
  checkAllUsed(): void {
    const { params, what } = this.options;
    const others = params ? [...params.keys()].filter((p) => !this.used.has(p)) : [];
    if (others.length) throw new ImpastoError('BAD_MODEL', `not ${what}: ${others.join(', ')}`);
  }

  /**
   * For a network with shared statistics: the current layer's whole-image per-channel mean and
   * (biased) variance, fed as inputs `<layer>.mean` and `<layer>.var` ([channels]) and shaped
   * [1, C, 1, 1]; the tile's own statistics over its core are reported as outputs. `x` is at
   * `scale` input pixels a pixel (default: this builder's `scale`).
   */
  sharedStatistics(x: string, channels: number, scale = this.scale): { mean: string; variance: string } {
    const { g } = this;
    const core = this.options.core;
    if (core === undefined) throw new Error('sharedStatistics needs a network built with shared statistics');
    const layer = this.name;
    const perChannel = (v: string) => g.op('Reshape', [v, g.constant('per_channel', int64([4], [1, channels, 1, 1]))]);
    const mean = perChannel(g.input(`${layer}.mean`, 'float32', [channels]));
    const variance = perChannel(g.input(`${layer}.var`, 'float32', [channels]));
    reportCoreMoments(g, layer, x, mean, core, scale, channels);
    return { mean, variance };
  }
}
