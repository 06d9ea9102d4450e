import { ImpastoError } from '../errors';
import { type RawImage, imageToTensor, tensorToImage } from '../image/raw-image';
import { encodeModel } from '../onnx/serialize';
import type { TensorData } from '../onnx/tensor';
import type { SessionOptions } from '../options/generated';
import type { Backend, Session } from '../runtime/backend';
import { type GraphCache, graphKey, openCachedGraph } from '../runtime/graph-cache';
import type { WeightSource } from '../store/source';
import { readFstCheckpoint } from './checkpoint';
import { FST_INPUT, FST_OUTPUT, buildFastStyleGraph } from './network';

/** Where `FastStyleModel.create` may find and keep its built graph. */
export interface FastStyleGraphOptions {
  readonly graphCache?: GraphCache;
  /** Hash of the weights (e.g. from the catalogue), so a cached graph is found without reading them. */
  readonly weightsKey?: string;
}

/** A fast-style network on one runtime session: tensors or raw pixels in, stylized out. */
export class FastStyleModel {
  private constructor(private readonly session: Session) {}

  /** Builds (or takes from the cache) the network for `source`'s checkpoint and opens a session. */
  static async create(backend: Backend, source: WeightSource, session: SessionOptions = {}, graph: FastStyleGraphOptions = {}): Promise<FastStyleModel> {
    const key = graph.weightsKey && (await graphKey('fst', [graph.weightsKey]));
    const cached = await openCachedGraph(backend, key ? await graph.graphCache?.get(key) : undefined, session);
    if (cached) return new FastStyleModel(cached);
    const bytes = encodeModel(buildFastStyleGraph(await readFstCheckpoint(source)));
    const opened = await backend.createSession(bytes, session);
    if (key) await graph.graphCache?.put(key, bytes);
    return new FastStyleModel(opened);
  }

  /** The execution provider that runs the network. */
  get provider(): Session['provider'] {
    return this.session.provider;
  }

  /** Runs the network on a float32 NCHW [1, 3, H, W] tensor (0..255); returns the unclamped output. */
  async run(image: TensorData<'float32'>): Promise<TensorData<'float32'>> {
    const [n, c, h, w] = image.dims;
    if (image.dims.length !== 4 || n !== 1 || c !== 3 || !h || !w) {
      throw new ImpastoError('INVALID_ARGUMENT', `Expected a [1, 3, H, W] tensor for image but received [${image.dims.join(', ')}]`);
    }
    const out = await this.session.run({ [FST_INPUT]: image });
    return out[FST_OUTPUT] as TensorData<'float32'>;
  }

  /** Stylizes decoded pixels; an alpha channel is carried over unchanged. */
  async stylize(image: RawImage): Promise<RawImage> {
    return tensorToImage(await this.run(imageToTensor(image)), image);
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
