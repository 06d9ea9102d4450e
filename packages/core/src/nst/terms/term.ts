import type { Dim, Graph } from '../../onnx/graph';
import type { TensorData } from '../../onnx/tensor';
import type { RawImage } from '../../image/raw-image';
import type { ResolvedNeuralStyleRunOptions } from '../../options/generated';
import type { RegionMasks } from '../masks';
import type { TileRegion } from '../tiled-objective';

/** A graph input a term declares: its name within the term and its shape. */
export interface TermInput {
  readonly name: string;
  readonly dims: readonly Dim[];
}

/** What a term sees while the objective graph is built. */
export interface TermGraph {
  /** The image being optimised: NCHW RGB 0..255. */
  readonly x: string;
  /** The loss net's features of `x`, keyed by the layers the term asked for, as it spelled them. */
  readonly features: Readonly<Record<string, string>>;
  /** The term's targets, in the order its `targets.build` returned them. */
  readonly targets: readonly string[];
  /** The term's own inputs (its `inputs`), by name. */
  readonly inputs: Readonly<Record<string, string>>;
}

/**
 * Targets a term compares against, computed once per run by the target graph from one of the run's
 * images (and again per tile where the images are tiled).
 */
export interface TermTargets {
  /** The run image they come from. */
  readonly image: 'content' | 'style';
  /** Loss-net layers they read, as the term spells them. */
  readonly layers: readonly (string | number)[];
  /** Inputs of the target graph besides the image (a style's region masks), fed by `prepare`. */
  readonly inputs?: readonly TermInput[];
  /** The shape of each target, as the objective graph declares it. */
  readonly dims: readonly (readonly Dim[])[];
  /**
   * Whether the targets are per-pixel means over the image (Gram matrices): then the targets of
   * several paintings blend as a weighted mean and a large image's are the area-weighted mean of
   * its tiles'. Features are not: they stay one image's, cut per tile.
   */
  readonly pooled: boolean;
  /** Adds the targets to the target graph; `features` is keyed like the term's `layers`. */
  build(g: Graph, features: Readonly<Record<string, string>>, inputs: Readonly<Record<string, string>>): string[];
}

/** The run as a term's `prepare` sees it: images decoded at the run's size. */
export interface TermRun {
  readonly width: number;
  readonly height: number;
  /** The photo at the output's size (absent in a style reconstruction). */
  readonly content?: RawImage;
  /** The paintings, as their Gram targets are computed. */
  readonly styles: readonly RawImage[];
  /** Region masks, when the run has them. */
  readonly masks?: RegionMasks;
  readonly options: ResolvedNeuralStyleRunOptions;
}

/** What a term feeds for one run. Names are the term's own (its `inputs`'), not the graph's. */
export interface TermFeeds {
  /** The objective's inputs for the whole image, asked for only by a run in one piece. */
  whole?(): Readonly<Record<string, TensorData>>;
  /** The objective's inputs for one tile of the image (needed for every spatial input), asked for by a tiled run instead. */
  tile?(region: TileRegion): Readonly<Record<string, TensorData>>;
  /** The target graph's inputs (`targets.inputs`) for the `index`th image the targets come from. */
  targets?(index: number): Readonly<Record<string, TensorData>>;
}

/** A term's value; with `grad` (d value / d x, the image's shape), the term differentiates itself. */
export interface TermValue {
  readonly value: string;
  readonly grad?: string;
}

/**
 * One term of the NST objective. The engine composes the terms it is given: the objective is
 * Σ weight · value over them, each weight fed per run from the run option the term names, so
 * changing weights never rebuilds a graph. A term is one file: what it reads from the loss net,
 * what it prepares from the run's images (targets, masks, a per-photo operator), and how it adds
 * to the objective: in the graph (a value the autodiff differentiates, or a value with its own
 * gradient), so it runs on every provider and in tiles; or on the host (`host`), with its own
 * value and gradient over the whole image, for what a graph cannot say.
 */
export interface ObjectiveTerm {
  /** Unique within an objective: names its weight, inputs, targets and progress entry. */
  readonly name: string;
  /** The run option holding its weight. */
  readonly weightOption: WeightOption;
  /**
   * `mean`: a mean over the image's pixels, so a tile's value counts by its share of them (the
   * default); `sum`: a sum over pixels, so tiles' values add up.
   */
  readonly reduction?: 'mean' | 'sum';
  /** Loss-net layers it reads from the optimised image (names or indices, as the user gave them). */
  readonly layers: readonly (string | number)[];
  readonly targets?: TermTargets;
  /** Inputs of the objective graph it needs besides `x` and its targets. */
  readonly inputs?: readonly TermInput[];
  /** JSON-able identity of the graphs it builds (part of the graphs' cache key). */
  readonly key: unknown;
  /** Its feeds for a run, prepared once; throws `INVALID_ARGUMENT` when the run cannot have it. */
  prepare?(run: TermRun): TermFeeds;
  /** Adds the unweighted value (and maybe its gradient) to the objective graph; absent for a host term. */
  build?(g: Graph, io: TermGraph): string | TermValue;
  /**
   * A host term's unweighted value and gradient at `x` (NCHW RGB 0..255, the whole image), with
   * what its `prepare` returned. Called every evaluation; keep it linear-time.
   */
  host?(x: Float32Array, width: number, height: number, feeds: TermFeeds): { value: number; grad: Float32Array };
}

/** Run options that weigh a term. */
export type WeightOption = { [K in keyof ResolvedNeuralStyleRunOptions]-?: ResolvedNeuralStyleRunOptions[K] extends number ? K : never }[keyof ResolvedNeuralStyleRunOptions];

/** Every value `layers` computed for `requested` layers, keyed as requested. */
export function keyedFeatures(requested: readonly (string | number)[], resolve: (l: string | number) => string, features: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(requested.map((l) => [String(l), features[resolve(l)]!]));
}
