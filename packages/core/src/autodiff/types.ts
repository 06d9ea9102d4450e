import type { NodeDef } from '../onnx/graph';
import type { GradBuilder } from './builder';

/** What a gradient rule sees of one forward node while the backward pass runs. */
export interface GradContext {
  /** Emits backward nodes into the graph (with cached constants and shapes). */
  readonly b: GradBuilder;
  /** The forward node. */
  readonly node: NodeDef;
  /** d(loss)/d(output i), or undefined where no gradient reaches that output. */
  readonly dy: readonly (string | undefined)[];
  /** d(loss)/d(first output); throws if none reaches it (single-output ops always have it). */
  readonly dY: string;
  /** needs[i]: whether input i depends on a `wrt` value and so wants a gradient. */
  readonly needs: readonly boolean[];
  /** Swaps the forward node for `node` (same first output), e.g. to add MaxPool's Indices output. */
  replaceNode(node: NodeDef): void;
}

/** The reverse-mode rule of one ONNX op. */
export interface GradRule {
  readonly opType: string;
  /**
   * Inputs that carry gradient (default: all). Others (shapes, axes, indices) stop the dependence
   * on `wrt`, so nodes fed only through them are not on the gradient path.
   */
  readonly differentiable?: readonly number[] | ((node: NodeDef) => readonly number[]);
  /** Returns d(loss)/d(input i) for each i with `needs[i]` (other entries are ignored). */
  grad(ctx: GradContext): readonly (string | undefined)[];
}
