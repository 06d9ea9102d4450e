import type { Graph } from '../onnx/graph';
import { rowsThenColumns } from './rows-then-columns';

/**
 * The fast-style graph as sessions run it: `buildFastStyleGraph`'s network (which reads like the
 * paper's diagram) with exact rewrites that suit ONNX Runtime's kernels. Changes `g` in place and
 * returns it.
 */
export function optimizeFastStyleGraph(g: Graph): Graph {
  rowsThenColumns(g);
  return g;
}
