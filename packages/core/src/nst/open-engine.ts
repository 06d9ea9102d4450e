import { ImpastoError } from '../errors';
import type { FeatureNet } from '../nets/feature-net';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, loadLossNet, lossNetMinSide } from '../nets/loss-nets';
import { decodeModel, encodeModel } from '../onnx/serialize';
import type { NeuralStyleLoadOptions, ResolvedNeuralStyleLoadOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { now } from '../platform';
import type { Backend, Session, SessionOptions } from '../runtime/backend';
import { ADAM_STEP_IO, withAdamStep } from './adam-step';
import { graphKey, openCachedGraph } from '../runtime/graph-cache';
import { type CallContext, type Platform, checkContext } from '../runtime/platform';
import { getModel } from '../store/catalogue';
import { combinedHash } from '../store/hash';
import type { ModelStore } from '../store/model-store';
import { buildObjectiveGraph, buildTargetGraph } from './objective';
import { NST_LOAD_SCHEMA } from './options';
import { type ObjectiveTerm, defaultTerms } from './terms';

/** Context of an engine: a custom loss net or objective may be given instead of the named ones. */
export interface NeuralStyleContext extends CallContext {
  /** A loaded loss net to use instead of `options.net` (its graphs are built, not cached). */
  readonly net?: FeatureNet;
  /**
   * The objective's terms instead of the mode's (content, style, TV, photorealism): any
   * `ObjectiveTerm`s, each weighted by its run option. Their `key`s name the graphs in the cache.
   */
  readonly terms?: readonly ObjectiveTerm[];
}

/** What `openNeuralStyle` hands a platform's `NeuralStyle` constructor. */
export interface NeuralStyleParts {
  readonly options: ResolvedNeuralStyleLoadOptions;
  readonly terms: readonly ObjectiveTerm[];
  readonly targets: Session;
  readonly objective: Session;
  /**
   * On a GPU provider: the objective with Adam's step appended (`withAdamStep`), keeping the image
   * and the moments in device memory between iterations (untiled Adam runs use it).
   */
  readonly deviceStep?: Session;
  /** Milliseconds the load took (graphs from the cache make it short). */
  readonly loadMs: number;
  /** The smallest image side the loss net takes for these layers. */
  readonly minSide: number;
}

/** The layers a load asks for: its own, or the net's defaults, by mode. */
function requestedLayers(o: ResolvedNeuralStyleLoadOptions): { content: readonly (string | number)[]; style: readonly (string | number)[] } {
  const d = LOSS_NET_DEFAULTS[o.net];
  return {
    content: o.mode === 'style' ? [] : (o.contentLayers ?? [d.content]),
    style: o.mode === 'content' ? [] : (o.styleLayers ?? d.style),
  };
}

/**
 * Builds an engine on `platform`: validates the options, then takes the target and objective
 * graphs from the store's cache (no weights read at all) or loads the loss net's weights, builds
 * both graphs once and caches them. The sessions live as long as the engine.
 */
export async function openNeuralStyle<In, Enc>(platform: Platform<In, Enc>, options: NeuralStyleLoadOptions = {}, context: NeuralStyleContext = {}): Promise<NeuralStyleParts> {
  const t0 = now();
  const o = resolveOptions<ResolvedNeuralStyleLoadOptions>(NST_LOAD_SCHEMA, options, { platform: platform.kind });
  checkContext(context);
  const backend = context.backend ?? platform.backend;
  const store: ModelStore = context.store ?? platform.defaultStore();
  const layers = requestedLayers(o);
  const terms = context.terms ? [...context.terms] : defaultTerms(o.mode, layers, { regions: o.regions });
  const readLayers = [...new Set(terms.flatMap((t) => [...t.layers, ...(t.targets?.layers ?? [])]))];
  const graphs = store.graphs;
  const key = context.net ? undefined : await graphKey('nst', [await combinedHash(getModel(LOSS_NET_MODEL[o.net]).files), o.net, o.pooling, terms.map((t) => t.key)]);
  const minSide = context.net ? 1 : lossNetMinSide(o.net, readLayers);

  const open = async (targetBytes?: Uint8Array, objectiveBytes?: Uint8Array): Promise<NeuralStyleParts | undefined> => {
    const session = { ep: o.ep, intraOpNumThreads: o.intraOpNumThreads, interOpNumThreads: o.interOpNumThreads };
    const targets = await openCachedGraph(backend, targetBytes, session);
    const objective = targets && (await openCachedGraph(backend, objectiveBytes, session));
    if (!targets || !objective) {
      await targets?.dispose();
      return undefined;
    }
    const deviceStep = objective.provider === 'webgpu' && objectiveBytes ? await openDeviceStep(backend, objectiveBytes, session) : undefined;
    return { options: o, terms, targets, objective, deviceStep, loadMs: now() - t0, minSide };
  };
  if (key) {
    const [t, f] = await Promise.all([graphs.get(`${key}-targets`), graphs.get(`${key}-objective`)]);
    const hit = t && f ? await open(t, f) : undefined;
    if (hit) return hit;
  }
  if (context.signal?.aborted) throw new ImpastoError('ABORTED', 'loading the loss network was aborted');
  const net = context.net ?? (await loadLossNet(o.net, store.source(LOSS_NET_MODEL[o.net], { signal: context.signal, onFile: context.onFile }), readLayers, o.pooling));
  const targetBytes = encodeModel(buildTargetGraph(net, terms));
  const objectiveBytes = encodeModel(buildObjectiveGraph(net, terms));
  const parts = await open(targetBytes, objectiveBytes);
  if (!parts) throw new ImpastoError('BAD_MODEL', 'ONNX Runtime could not load the built NST graphs');
  if (key) await Promise.all([graphs.put(`${key}-targets`, targetBytes), graphs.put(`${key}-objective`, objectiveBytes)]);
  return parts;
}

/** The objective with Adam's step, its image and moments kept where they are computed. */
function openDeviceStep(backend: Backend, objectiveBytes: Uint8Array, session: SessionOptions): Promise<Session> {
  const keepOnDevice = [ADAM_STEP_IO.xNext, ADAM_STEP_IO.mNext, ADAM_STEP_IO.vNext];
  return backend.createSession(encodeModel(withAdamStep(decodeModel(objectiveBytes))), { ...session, ep: 'webgpu' }, { keepOnDevice });
}
