import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  ImpastoError,
  type PhotoSet,
  type Run,
  type TrainCheckpoint,
  type TrainEvent,
  type TrainOptions,
  type TrainResult,
  TRAIN_STATE_FILES,
  fstParameters,
  isStyleId,
  type ModelStore as CoreModelStore,
  readFstCheckpoint,
  relayRun,
  startRun,
  trainFastStyle as coreTrain,
  treeSource,
} from '@impasto/core/platform';
import { nodePlatform } from '../platform';
import { folderTree, type ModelStore } from '../platform/cache-store';
import type { NodeImageInput } from '../platform/image-codec';
import { photoFolder } from './photo-folder';

/** What `trainFastStyle` trains from and where it writes. */
export interface TrainFastStyleInputs {
  /** The painting whose style the network learns (a file or its bytes). */
  readonly style: NodeImageInput;
  /** A folder of photos (searched recursively), or your own `PhotoSet`. */
  readonly data: string | PhotoSet;
  /**
   * The style folder to write: the network (the nine pretrained styles' format), `style.json`,
   * `preview.jpg` and `training/` (what `resume` reads), replaced whole at each checkpoint.
   */
  readonly output: string;
  /** Fine-tune this style (a pretrained id or a style folder) instead of a fresh network. */
  readonly from?: string;
  /** Go on from the checkpoint in `output` (default false: an output holding one is refused). */
  readonly resume?: boolean;
  /** The licence you declare for the painting (recorded in style.json; default 'unspecified'). */
  readonly licence?: string;
}

export interface TrainFastStyleContext {
  /** Abort to stop at the next step: a last checkpoint is written, then the run rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
  readonly store?: ModelStore;
}

/**
 * Trains a fast style from a painting on a folder of photos (see core's `trainFastStyle` for the
 * step); the result is a style folder that `FastStyle.load`, `impasto fst -s`, the browser and the
 * service use unchanged. Errors are one-line `ImpastoError`s: an output that holds something else,
 * a data folder without images, a painting that is not an image.
 */
export function trainFastStyle(inputs: TrainFastStyleInputs, options: TrainOptions = {}, context: TrainFastStyleContext = {}): Run<TrainEvent, TrainResult & { output: string }> {
  return startRun<TrainEvent, TrainResult & { output: string }>(async (emit) => {
    const output = resolve(inputs.output);
    await checkOutput(output, inputs);
    const store = context.store ?? nodePlatform.defaultStore();
    const photos = typeof inputs.data === 'string' ? await photoFolder(inputs.data) : inputs.data;
    const painting = await nodePlatform.codec.decode(inputs.style, { maxSize: options.styleSize, maxPixels: 100_000_000 });
    const from = inputs.from ? fstParameters(await readFstCheckpoint(styleSource(inputs.from, store))) : undefined;
    const resume = inputs.resume ? await readState(output) : undefined;
    const run = coreTrain(nodePlatform, { painting, photos, from, resume }, options, {
      signal: context.signal,
      store,
      onCheckpoint: (c) => writeCheckpoint(output, c, inputs, options),
    });
    return { ...(await relayRun(run, emit)), output };
  });
}

function styleSource(from: string, store: CoreModelStore) {
  if (isStyleId(from)) return store.source(`fst/${from}`);
  return treeSource(folderTree(from));
}

const STATE_DIR = 'training';

async function checkOutput(output: string, inputs: TrainFastStyleInputs): Promise<void> {
  const st = await stat(output).catch(() => undefined);
  if (typeof inputs.data === 'string' && resolve(inputs.data) === output) throw new ImpastoError('INVALID_ARGUMENT', 'the output folder is the data folder; write the style elsewhere');
  if (typeof inputs.style === 'string' && resolve(inputs.style) === output) throw new ImpastoError('INVALID_ARGUMENT', 'the output is the painting');
  if (!st) {
    if (inputs.resume) throw new ImpastoError('MISSING_FILE', `nothing to resume: ${output} does not exist`);
    return;
  }
  if (!st.isDirectory()) throw new ImpastoError('IO', `${output} exists and is not a folder`);
  const entries = await readdir(output);
  const hasState = await stat(join(output, STATE_DIR, 'state.json')).then(() => true, () => false);
  if (inputs.resume && !hasState) throw new ImpastoError('MISSING_FILE', `nothing to resume: ${output} holds no training checkpoint (${STATE_DIR}/state.json)`);
  if (!inputs.resume && hasState) throw new ImpastoError('INVALID_ARGUMENT', `${output} already holds a training checkpoint: resume it, or write to another folder`);
  if (!inputs.resume && entries.length > 0) throw new ImpastoError('IO', `${output} exists and is not empty; training writes a new folder`);
}

async function readState(output: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const name of TRAIN_STATE_FILES) {
    const b = await readFile(join(output, STATE_DIR, name)).catch(() => undefined);
    if (b) files[name] = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  return files;
}

/** Writes the whole folder beside `output`, then swaps it in: a checkpoint is never half-written. */
async function writeCheckpoint(output: string, c: TrainCheckpoint, inputs: TrainFastStyleInputs, options: TrainOptions): Promise<void> {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = `${output}.tmp.${tag}`;
  const old = `${output}.old.${tag}`;
  try {
    await mkdir(join(tmp, STATE_DIR), { recursive: true });
    for (const [name, bytes] of Object.entries(c.style)) await writeFile(join(tmp, name), bytes);
    for (const [name, bytes] of Object.entries(c.state)) await writeFile(join(tmp, STATE_DIR, name), bytes);
    await writeFile(join(tmp, STATE_DIR, 'losses.csv'), lossesCsv(c.state['state.json']!));
    if (c.preview) await writeFile(join(tmp, 'preview.jpg'), await nodePlatform.codec.encode(c.preview, { format: 'jpeg', quality: 90 }));
    const styleJson = {
      painting: typeof inputs.style === 'string' ? basename(inputs.style) : 'bytes',
      licence: inputs.licence ?? 'unspecified',
      data: typeof inputs.data === 'string' ? basename(resolve(inputs.data)) : 'photo set',
      from: inputs.from,
      steps: c.iteration,
      finished: c.final,
      settings: options,
      trainedWith: 'impasto train',
    };
    await writeFile(join(tmp, 'style.json'), JSON.stringify(styleJson, null, 2) + '\n');
    const exists = await stat(output).then(() => true, () => false);
    if (exists) await rename(output, old);
    await rename(tmp, output);
    if (exists) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new ImpastoError('IO', `cannot write the checkpoint to ${output}: ${(e as Error).message}`);
  }
}

function lossesCsv(stateJson: Uint8Array): string {
  const { history } = JSON.parse(new TextDecoder().decode(stateJson)) as { history: number[][] };
  return ['step,loss,content,style,tv', ...history.map((r) => r.map((v) => +v.toPrecision(6)).join(','))].join('\n') + '\n';
}
