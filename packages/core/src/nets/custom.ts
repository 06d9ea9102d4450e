import { ImpastoError } from '../errors';
import type { Graph, NodeDef } from '../onnx/graph';
import { decodeModel } from '../onnx/serialize';
import type { FeatureNet } from './feature-net';
import { addPreprocessing, type Preprocessing } from './preprocess';
import { sharedConstant } from './shared-constant';

/** How to use a user's ONNX model as a feature network. */
export interface CustomNetSpec extends Preprocessing {
  /** The model's image input (NCHW, 3 channels). */
  input: string;
  /** Layer name -> name of the ONNX value in the model that is that layer's output. */
  outputs: Readonly<Record<string, string>>;
  /** Id of the net (default `custom`); also the prefix of its value names in composed graphs. */
  id?: string;
  /** Default: the last of `outputs`. */
  defaultContentLayer?: string;
  /** Default: all of `outputs`. */
  defaultStyleLayers?: readonly string[];
}

/**
 * Ops whose inputs or attributes changed at the given opset. Copying an older model's node into an
 * opset-17 graph is only sound if its op kept its signature since the model's opset.
 */
const SIGNATURE_CHANGED_AT: Readonly<Record<string, number>> = {
  Reshape: 5, Cast: 6, Add: 7, Sub: 7, Mul: 7, Div: 7, Pow: 7, BatchNormalization: 9, Slice: 10, TopK: 10,
  Pad: 11, Clip: 11, Resize: 11, Dropout: 12, Squeeze: 13, Unsqueeze: 13, Split: 13, ReduceSum: 13,
  Softmax: 13, LogSoftmax: 13, Hardmax: 13, Upsample: Infinity,
};

function checkCompatible(nodes: readonly NodeDef[], modelOpset: number, targetOpset: number): void {
  if (modelOpset > targetOpset) {
    throw new ImpastoError('BAD_MODEL', `the feature network uses ONNX opset ${modelOpset}; export it with opset ${targetOpset} or lower`);
  }
  for (const n of nodes) {
    if (n.domain && n.domain !== 'ai.onnx') throw new ImpastoError('UNSUPPORTED_OP', `the feature network uses ${n.opType} from domain ${n.domain}; only standard ONNX ops are supported`);
    if (modelOpset < (SIGNATURE_CHANGED_AT[n.opType] ?? 0)) {
      throw new ImpastoError('BAD_MODEL', `the feature network's ${n.opType} (opset ${modelOpset}) differs from opset ${targetOpset}'s; export it with opset 13-${targetOpset}`);
    }
  }
}

/**
 * Wraps a user's ONNX model as a `FeatureNet`: the spec's preprocessing goes in front of its image
 * input, and the values named in `spec.outputs` become its layers. Only the nodes the wanted
 * layers depend on are added (a classifier head is left out).
 */
export function featureNetFromOnnx(bytes: Uint8Array, spec: CustomNetSpec): FeatureNet {
  const model = decodeModel(bytes);
  const id = spec.id ?? 'custom';
  const producer = new Map<string, NodeDef>();
  for (const n of model.nodes) for (const o of n.outputs) producer.set(o, n);
  if (!model.inputs.some((i) => i.name === spec.input)) {
    throw new ImpastoError('INVALID_ARGUMENT', `the model has no input '${spec.input}'; its inputs are ${model.inputs.map((i) => i.name).join(', ')}`);
  }
  const layers = Object.keys(spec.outputs);
  if (layers.length === 0) throw new ImpastoError('INVALID_ARGUMENT', 'spec.outputs names no layers');
  for (const [layer, value] of Object.entries(spec.outputs)) {
    if (!producer.has(value) && value !== spec.input) throw new ImpastoError('INVALID_ARGUMENT', `layer ${layer}: the model has no value '${value}'`);
  }

  /** Nodes (in model order) that `values` depend on; stops at the image input. */
  const nodesFor = (values: readonly string[]): NodeDef[] => {
    const needed = new Set<NodeDef>();
    const stack = [...values];
    while (stack.length > 0) {
      const n = producer.get(stack.pop()!);
      if (!n || needed.has(n)) continue;
      needed.add(n);
      stack.push(...n.inputs);
    }
    return model.nodes.filter((n) => needed.has(n));
  };
  checkCompatible(nodesFor(Object.values(spec.outputs)), model.opset, 17);

  const resolve = (layer: string | number): string => {
    const name = String(layer);
    if (name in spec.outputs) return name;
    throw new ImpastoError('UNKNOWN_LAYER', `unknown layer '${name}' of ${id}; valid layers are ${layers.join(', ')}`);
  };

  return {
    id,
    layers,
    defaultContentLayer: spec.defaultContentLayer !== undefined ? resolve(spec.defaultContentLayer) : layers[layers.length - 1]!,
    defaultStyleLayers: spec.defaultStyleLayers?.map(resolve) ?? layers,
    resolve,
    addTo(g: Graph, input: string, wantedLayers: readonly (string | number)[]): Record<string, string> {
      const wanted = [...new Set(wantedLayers.map(resolve))];
      const nodes = nodesFor(wanted.map((l) => spec.outputs[l]!));
      checkCompatible(nodes, model.opset, g.opset);
      const rename = new Map<string, string>([[spec.input, addPreprocessing(g, input, spec)]]);
      const valueOf = (v: string): string => {
        if (v === '') return v; // an omitted optional input
        const known = rename.get(v);
        if (known !== undefined) return known;
        const t = model.initializers.get(v);
        if (!t) throw new ImpastoError('BAD_MODEL', `value '${v}' of ${id} is neither computed from '${spec.input}' nor an initializer`);
        const name = sharedConstant(g, v, t);
        rename.set(v, name);
        return name;
      };
      g.scoped(id, () => {
        for (const n of nodes) {
          const inputs = n.inputs.map(valueOf);
          const outputs = n.outputs.map((o) => (o === '' ? o : g.fresh(o)));
          n.outputs.forEach((o, i) => rename.set(o, outputs[i]!));
          g.nodes.push({ ...n, inputs, outputs, name: g.fresh(n.name || n.opType) });
        }
      });
      return Object.fromEntries(wanted.map((l) => [l, valueOf(spec.outputs[l]!)]));
    },
  };
}
