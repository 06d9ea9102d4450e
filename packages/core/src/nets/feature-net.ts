import { Graph, type Dim } from '../onnx/graph';

/**
 * A loss network for neural style transfer: VGG19, SqueezeNet or a user's ONNX model, with its
 * weights loaded. Every net takes an NCHW float32 RGB image with values 0..255 (of any height and
 * width) and normalises it inside the graph.
 */
export interface FeatureNet {
  /** Identifies the network and its weights, e.g. `vgg19-tfjs-uint8`. */
  readonly id: string;
  /** Canonical names of every layer it can expose, input to output. */
  readonly layers: readonly string[];
  readonly defaultContentLayer: string;
  readonly defaultStyleLayers: readonly string[];
  /** The canonical name for a layer name, alias or index; throws `UNKNOWN_LAYER` for others. */
  resolve(layer: string | number): string;
  /**
   * Adds the network to `g`, reading `input` (an NCHW RGB 0..255 value), up to the deepest of
   * `wantedLayers` only. Returns the values of the wanted layers keyed by canonical name.
   * Called twice on one graph, the weights are shared.
   */
  addTo(g: Graph, input: string, wantedLayers: readonly (string | number)[]): Record<string, string>;
}

/** Input shape of a standalone feature graph: one or more RGB images of any size. */
export const IMAGE_SHAPE: readonly Dim[] = ['batch', 3, 'height', 'width'];

/**
 * A standalone graph computing `layers` of `net`: input `inputName` (NCHW RGB 0..255), one output
 * per layer named by its canonical name.
 */
export function featureGraph(net: FeatureNet, layers: readonly (string | number)[], inputName = 'image'): Graph {
  const g = new Graph(net.id);
  const x = g.input(inputName, 'float32', IMAGE_SHAPE);
  const values = net.addTo(g, x, layers);
  for (const [name, value] of Object.entries(values)) g.output(value, name);
  return g;
}
