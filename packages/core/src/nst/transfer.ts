import { ImpastoError } from '../errors';
import { type RawImage, imageToTensor, tensorToImage } from '../image/raw-image';
import type { FeatureNet } from '../nets/feature-net';
import { encodeModel } from '../onnx/serialize';
import { float32, type TensorData } from '../onnx/tensor';
import { Adam } from '../optim/adam';
import { Lbfgs } from '../optim/lbfgs';
import { Rng } from '../optim/rng';
import type { Objective, Optimizer } from '../optim/types';
import { now } from '../platform';
import type { Backend, Session, SessionOptions } from '../runtime/backend';
import { type NstOptions, type ResolvedNstOptions, resolveNstOptions } from './options';
import { NST_IO, buildLossGraph, buildTargetGraph, type LossSpec } from './problem';

/** One iteration's report. Loss terms are weighted, as they add up to `loss`. */
export interface NstProgress {
  readonly type: 'progress';
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly terms: { readonly content?: number; readonly style?: number; readonly tv?: number };
  readonly msPerIteration: number;
  readonly etaMs: number;
  readonly evaluations: number;
}

/** The current image every `checkpointEvery` iterations. */
export interface NstCheckpoint {
  readonly type: 'checkpoint';
  readonly iteration: number;
  readonly image: RawImage;
}

export type NstEvent = NstProgress | NstCheckpoint;

/** Inputs of a run: the content image (not needed for style reconstruction) and the style image (not for content). */
export interface NstInputs {
  content?: RawImage;
  style?: RawImage;
}

/** What a finished run returns. */
export interface NstResult {
  readonly image: RawImage;
  readonly loss: number;
  readonly iterations: number;
  readonly provider: string;
  readonly msPerIteration: number;
}

function rgb(img: RawImage): TensorData<'float32'> {
  return imageToTensor(img);
}

function initialImage(o: ResolvedNstOptions, shape: { width: number; height: number }, content?: RawImage): Float32Array {
  if (o.init === 'content') return rgb(content!).data.slice();
  if (typeof o.init === 'object') {
    if (o.init.width !== shape.width || o.init.height !== shape.height) {
      throw new ImpastoError('INVALID_ARGUMENT', `init image is ${o.init.width}x${o.init.height}; the output is ${shape.width}x${shape.height}`);
    }
    return rgb(o.init).data.slice();
  }
  // The seed's white noise (Gaussian x 0.256) lives in mean-subtracted space; here that is mid-grey.
  const x = new Float32Array(3 * shape.width * shape.height);
  new Rng(o.seed).fillGaussian(x, 0.256, 127.5);
  return x;
}

function toImage(x: Float32Array, width: number, height: number): RawImage {
  return tensorToImage(float32([1, 3, height, width], x));
}

/**
 * Gatys et al. neural style transfer: optimises an image so that `net`'s features match the content
 * image and its Gram matrices match the style image. Yields progress every iteration and a
 * checkpoint every `checkpointEvery`; returns the final image.
 */
export async function* neuralStyleTransfer(
  backend: Backend,
  net: FeatureNet,
  inputs: NstInputs,
  options: NstOptions & SessionOptions = {},
): AsyncGenerator<NstEvent, NstResult> {
  const o = resolveNstOptions(net, options);
  const { content, style } = inputs;
  if (o.mode !== 'style' && !content) throw new ImpastoError('INVALID_ARGUMENT', `a content image is needed for ${o.mode}`);
  if (o.mode !== 'content' && !style) throw new ImpastoError('INVALID_ARGUMENT', `a style image is needed for ${o.mode}`);
  const shape = content ?? (typeof o.init === 'object' ? o.init : style!);
  const { width, height } = shape;
  const spec: LossSpec = { ...o };

  const sessions: Session[] = [];
  try {
    const targetSession = await backend.createSession(encodeModel(buildTargetGraph(net, spec)), options);
    sessions.push(targetSession);
    const feeds: Record<string, TensorData> = {};
    if (content && o.contentLayers.length) {
      const out = await targetSession.run({ [NST_IO.image]: rgb(content) }, o.contentLayers.map((_, i) => NST_IO.contentTarget(i)));
      Object.assign(feeds, out);
    }
    if (style && o.styleLayers.length) {
      const out = await targetSession.run({ [NST_IO.image]: rgb(style) }, o.styleLayers.map((_, i) => NST_IO.gramTarget(i)));
      Object.assign(feeds, out);
    }
    await targetSession.dispose();
    sessions.pop();

    const lossSession = await backend.createSession(encodeModel(buildLossGraph(net, spec)), options);
    sessions.push(lossSession);
    const dims = [1, 3, height, width];
    let terms: NstProgress['terms'] = {};
    const objective: Objective = async (x) => {
      const out = await lossSession.run({ ...feeds, [NST_IO.x]: float32(dims, x) });
      const loss = (out[NST_IO.loss]!.data as Float32Array)[0]!;
      if (!Number.isFinite(loss)) {
        throw new ImpastoError('NUMERIC', `the loss became ${loss}; lower the learning rate (lr ${o.lr}) or the loss weights`);
      }
      const term = (name: string) => (out[name] ? (out[name]!.data as Float32Array)[0] : undefined);
      terms = { content: term(NST_IO.terms[0]), style: term(NST_IO.terms[1]), tv: term(NST_IO.terms[2]) };
      return { loss, grad: out[NST_IO.grad]!.data as Float32Array };
    };

    const x = initialImage(o, shape, content);
    const optimizer: Optimizer = o.optimizer === 'adam' ? new Adam({ lr: o.lr }) : new Lbfgs({ lr: o.lr, historySize: o.historySize });
    const t0 = now();
    let loss = NaN;
    let evaluations = 0;
    let iteration = 0;
    while (iteration < o.iterations) {
      if (options.signal?.aborted) throw new ImpastoError('ABORTED', `stopped after ${iteration} of ${o.iterations} iterations`);
      const step = await optimizer.iterate(x, objective);
      iteration++;
      evaluations += step.evaluations;
      loss = step.lossAfter ?? step.loss;
      // Adam works in pixel space: keeping pixels displayable stops it wandering where no image is.
      if (o.optimizer === 'adam') for (let i = 0; i < x.length; i++) x[i] = Math.min(255, Math.max(0, x[i]!));
      const ms = (now() - t0) / iteration;
      yield { type: 'progress', iteration, iterations: o.iterations, loss, terms, msPerIteration: ms, etaMs: ms * (o.iterations - iteration), evaluations };
      if (o.checkpointEvery && iteration % o.checkpointEvery === 0 && iteration < o.iterations) {
        yield { type: 'checkpoint', iteration, image: toImage(x, width, height) };
      }
      if (step.converged) break;
    }
    return { image: toImage(x, width, height), loss, iterations: iteration, provider: lossSession.provider, msPerIteration: (now() - t0) / Math.max(1, iteration) };
  } finally {
    for (const s of sessions) await s.dispose();
  }
}
