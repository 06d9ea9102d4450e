import { ImpastoError, throwIfAborted } from '../errors';
import type { FastStyleParams } from '../fst/network';
import { imageToTensor, type RawImage } from '../image/raw-image';
import type { FeatureNet } from '../nets/feature-net';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, loadLossNet } from '../nets/loss-nets';
import { encodeModel } from '../onnx/serialize';
import { type TensorData, float32 } from '../onnx/tensor';
import type { ResolvedTrainOptions, TrainOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import { type Session, type SessionPlacement, hostScalar } from '../runtime/backend';
import type { Platform } from '../runtime/platform';
import type { ModelStore } from '../store/model-store';
import { startRun, type Run } from '../util/run';
import { TRAIN_SCHEMA, type TrainSettings, withPreset } from './options';
import { ParameterSet, styleFolderFiles } from './parameters';
import { PhotoBatches, holdOut, type PhotoSet } from './photo-batches';
import { previewImage } from './preview';
import { TrainingState } from './step-state';
import { decodeTrainState, encodeTrainState, type TrainState } from './checkpoint-state';
import { TRAIN_IO, TRAINING_TERMS, buildStyleTargetGraph, buildTrainingForwardGraph, buildTrainingStepGraph, type TrainingTerm } from './training-graph';

/** One step's report; terms are weighted and add up to `loss`. */
export interface TrainProgress {
  readonly type: 'progress';
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly terms: Readonly<Record<TrainingTerm, number>>;
  readonly iterationsPerSecond: number;
  readonly etaMs: number;
}

/** A checkpoint, as written (`TrainHooks.onCheckpoint` has written it when this is emitted). */
export interface TrainCheckpointEvent {
  readonly type: 'checkpoint';
  readonly iteration: number;
  readonly final: boolean;
}

export type TrainEvent = TrainProgress | TrainCheckpointEvent;

/**
 * What a checkpoint holds: `style`, the files of a style folder (`FastStyle.load` reads it);
 * `state`, the files that resume training exactly (parameters, Adam's moments, step, losses);
 * `preview`, held-out photos above their stylization (when any are held out).
 */
export interface TrainCheckpoint {
  readonly iteration: number;
  readonly final: boolean;
  readonly style: Readonly<Record<string, Uint8Array>>;
  readonly state: Readonly<Record<string, Uint8Array>>;
  readonly preview?: RawImage;
}

export interface TrainResult {
  readonly iterations: number;
  readonly loss: number;
  readonly msPerIteration: number;
  /** Photos trained on, held out for previews, and skipped as unreadable. */
  readonly photos: { readonly train: number; readonly heldOut: number; readonly unreadable: number };
  readonly provider: string;
}

/** The run's inputs: the painting (at the size its Grams are taken), the photos, and where to start. */
export interface TrainInputs {
  readonly painting: RawImage;
  readonly photos: PhotoSet;
  /** Fine-tune these parameters (`--from`) instead of starting from a fresh network. */
  readonly from?: FastStyleParams;
  /** A checkpoint's `state` files: go on from there (the options must match but `iterations`). */
  readonly resume?: Readonly<Record<string, Uint8Array>>;
}

export interface TrainHooks {
  /** Writes a checkpoint; awaited before training goes on. */
  onCheckpoint(c: TrainCheckpoint): Promise<void>;
  /** Stops at the next step: a last checkpoint is written, then the run rejects with `ABORTED`. */
  readonly signal?: { readonly aborted: boolean };
  readonly store?: ModelStore;
  /** A loss net of your own (tests); default: the one `net` names, from the store. */
  readonly net?: FeatureNet;
}

/** Bytes one training step holds per photo pixel (VGG19 to relu5_1 and back: peak RSS 2.0-2.2 GiB at 256², batch 4), and its fixed part. */
const BYTES_PER_PIXEL = 7_000;
const FIXED_BYTES = 600 * 2 ** 20;

/**
 * Trains a fast-style network on `inputs.photos` to carry `inputs.painting`'s style (Johnson et
 * al. 2016): each step stylizes a batch of random crops, takes the perceptual loss through the
 * loss net and moves every parameter by Adam. Checkpoints every `checkpointEvery` steps and at
 * the end. Errors: `INVALID_ARGUMENT` for bad options, `IMAGE_TOO_LARGE` when a step does not
 * fit the memory budget (with the batch and size that do), `BAD_IMAGE` when no photo can be read.
 */
export function trainFastStyle<In, Enc>(platform: Platform<In, Enc>, inputs: TrainInputs, options: TrainOptions, hooks: TrainHooks): Run<TrainEvent, TrainResult> {
  const o = withPreset(resolveOptions<ResolvedTrainOptions>(TRAIN_SCHEMA, options, { platform: platform.kind }));
  if (o.size % 4 !== 0) throw new ImpastoError('INVALID_ARGUMENT', `size must be a multiple of 4 (the network halves it twice), got ${o.size}`);
  const resume = inputs.resume && decodeTrainState(inputs.resume);
  if (resume) checkResume(resume, o);
  return startRun((emit) => train(platform, inputs, o, hooks, resume, emit));
}

// Options that change what is trained: a resumed run must keep them.
const FIXED_ON_RESUME = ['batch', 'size', 'styleSize', 'contentWeight', 'styleWeight', 'tvWeight', 'lr', 'schedule', 'seed', 'net', 'contentLayer', 'styleLayers', 'maxImages'] as const;

function checkResume(state: TrainState, o: TrainSettings): void {
  for (const k of FIXED_ON_RESUME) {
    const was = JSON.stringify(state.options[k]);
    if (was !== JSON.stringify(o[k])) throw new ImpastoError('INVALID_ARGUMENT', `the checkpoint was trained with ${k} ${was ?? 'unset'}; resume with the same (got ${JSON.stringify(o[k]) ?? 'unset'})`);
  }
  if (state.iteration >= o.iterations) throw new ImpastoError('INVALID_ARGUMENT', `the checkpoint is at step ${state.iteration}; ask for more iterations than that to go on`);
}

async function train<In, Enc>(
  platform: Platform<In, Enc>,
  inputs: TrainInputs,
  o: TrainSettings,
  hooks: TrainHooks,
  resume: TrainState | undefined,
  emit: (e: TrainEvent) => Promise<void>,
): Promise<TrainResult> {
  const need = FIXED_BYTES + BYTES_PER_PIXEL * o.batch * o.size * o.size;
  const budget = o.memoryBudget ? o.memoryBudget * 2 ** 20 : platform.memory.capacity;
  if (need > budget) throw tooLarge(o, need, budget);
  const lease = await platform.memory.reserve(need, 'training a fast style', hooks.signal);
  const sessions: Session[] = [];
  try {
    const defaults = LOSS_NET_DEFAULTS[o.net];
    const layers = { content: o.contentLayer ?? defaults.content, style: [...(o.styleLayers ?? defaults.style)].map(String) };
    const store = hooks.store ?? platform.defaultStore();
    const net = hooks.net ?? (await loadLossNet(o.net, store.source(LOSS_NET_MODEL[o.net], { signal: hooks.signal }), [layers.content, ...layers.style]));
    const resolved = { content: net.resolve(layers.content), style: layers.style.map((l) => net.resolve(l)) };
    throwIfAborted(hooks.signal, 'training');
    const session = { ep: o.ep, intraOpNumThreads: o.intraOpNumThreads, interOpNumThreads: o.interOpNumThreads };
    const open = async (bytes: Uint8Array, placement?: SessionPlacement) => {
      const s = await platform.backend.createSession(bytes, session, placement);
      sessions.push(s);
      return s;
    };
    const targets = await open(encodeModel(buildStyleTargetGraph(net, resolved)));
    const styleTargets = await targets.run({ [TRAIN_IO.painting]: imageToTensor(inputs.painting) });
    await targets.dispose();
    const keepOnDevice = ParameterSet.names().flatMap((n) => [TRAIN_IO.next(n), TRAIN_IO.mNext(n), TRAIN_IO.vNext(n)]);
    const step = await open(encodeModel(buildTrainingStepGraph(net, resolved)), { keepOnDevice });
    const forward = await open(encodeModel(buildTrainingForwardGraph()));

    const count = Math.min(inputs.photos.count, o.maxImages ?? Infinity);
    if (count === 0) throw new ImpastoError('BAD_IMAGE', 'no photos to train on');
    const split = holdOut(count, o.seed);
    const batches = new PhotoBatches(inputs.photos, split.train, o.batch, o.size, o.seed);
    const start = resume ? new ParameterSet(resume.params) : inputs.from ? ParameterSet.from(inputs.from) : ParameterSet.initial(o.seed);
    // Parameters and Adam's moments live where the step runs (GPU memory on webgpu) from the
    // first step on: each step is fed the last one's outputs, and only the losses come back.
    const state = new TrainingState(start, resume?.adam ?? null);
    const history = resume ? [...resume.history] : [];
    const weights = { content: o.contentWeight, style: o.styleWeight, tv: o.tvWeight };
    const fixedFeeds: Record<string, TensorData> = {};
    for (const l of resolved.style) fixedFeeds[TRAIN_IO.styleTarget(l)] = styleTargets[TRAIN_IO.styleTarget(l)]!;
    for (const t of TRAINING_TERMS) fixedFeeds[TRAIN_IO.weight(t)] = scalar(weights[t]);

    const checkpoint = async (iteration: number, final: boolean) => {
      const { params, adam } = await state.read();
      const preview = split.preview.length ? await previewImage(inputs.photos, split.preview, forward, params, o.size) : undefined;
      const files = encodeTrainState({ iteration, options: o, params: params.values, adam, history });
      await hooks.onCheckpoint({ iteration, final, style: styleFolderFiles(params), state: files, preview });
      await emit({ type: 'checkpoint', iteration, final });
    };

    const first = resume?.iteration ?? 0;
    const t0 = Date.now();
    let loss = NaN;
    try {
      for (let i = first; i < o.iterations; i++) {
        if (hooks.signal?.aborted) {
          await checkpoint(i, false);
          throw new ImpastoError('ABORTED', `training was aborted at step ${i}; the checkpoint holds it`);
        }
        const images: TensorData = { type: 'float32', dims: [o.batch, 3, o.size, o.size], data: await batches.get(i) };
        const out = await step.runKept({ ...fixedFeeds, ...state.feeds(), [TRAIN_IO.images]: images, [TRAIN_IO.adamT]: scalar(state.t + 1), [TRAIN_IO.adamLr]: scalar(scheduledLr(o, i)) });
        state.advance(out);
        loss = hostScalar(out[TRAIN_IO.loss]);
        if (!Number.isFinite(loss)) throw new ImpastoError('NUMERIC', `the loss is ${loss} at step ${i + 1}; try a smaller lr`);
        const terms = Object.fromEntries(TRAINING_TERMS.map((t) => [t, hostScalar(out[TRAIN_IO.term(t)])])) as Record<TrainingTerm, number>;
        history.push([i + 1, loss, terms.content, terms.style, terms.tv]);
        const done = i + 1 - first;
        const msPer = (Date.now() - t0) / done;
        await emit({ type: 'progress', iteration: i + 1, iterations: o.iterations, loss, terms, iterationsPerSecond: 1000 / msPer, etaMs: msPer * (o.iterations - i - 1) });
        if (o.checkpointEvery > 0 && (i + 1) % o.checkpointEvery === 0 && i + 1 < o.iterations) await checkpoint(i + 1, false);
      }
      await checkpoint(o.iterations, true);
    } finally {
      state.dispose();
    }
    return {
      iterations: o.iterations,
      loss,
      msPerIteration: (Date.now() - t0) / Math.max(1, o.iterations - first),
      photos: { train: split.train.length, heldOut: split.preview.length, unreadable: batches.unreadable.size },
      provider: step.provider,
    };
  } finally {
    await Promise.all(sessions.map((s) => s.dispose().catch(() => undefined)));
    lease.release();
  }
}

const scalar = (v: number): TensorData => float32([], [v]);


function scheduledLr(o: ResolvedTrainOptions, i: number): number {
  return o.schedule === 'cosine' ? (o.lr * (1 + Math.cos((Math.PI * i) / o.iterations))) / 2 : o.lr;
}

function tooLarge(o: ResolvedTrainOptions, need: number, budget: number): ImpastoError {
  const mib = (b: number) => Math.round(b / 2 ** 20);
  const perPhoto = BYTES_PER_PIXEL * o.size * o.size;
  const batch = Math.floor((budget - FIXED_BYTES) / perPhoto);
  const side = Math.floor(Math.sqrt(Math.max(0, budget - FIXED_BYTES) / (BYTES_PER_PIXEL * o.batch)) / 4) * 4;
  const advice = batch >= 1 ? `batch ${batch} at size ${o.size}` : side >= 32 ? `size ${side} at batch ${o.batch}` : 'a larger memory budget';
  return new ImpastoError('IMAGE_TOO_LARGE', (name) => `a training step at batch ${o.batch}, size ${o.size} needs about ${mib(need)} MiB; the memory budget is ${mib(budget)} MiB: try ${advice.replace(/^batch (\d+)/, (_m, n) => name('batch', n)).replace(/size (\d+)/, (_m, n) => name('size', n))}`);
}
