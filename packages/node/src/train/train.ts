import { createHash, randomBytes } from 'node:crypto';
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
  /**
   * The painting whose style the network learns (a file or its bytes). On `resume`, default: the
   * file the checkpoint was trained on; a different painting is refused.
   */
  readonly style?: NodeImageInput;
  /** A folder of photos (searched recursively), or your own `PhotoSet`. On `resume`, default: the checkpoint's folder. */
  readonly data?: string | PhotoSet;
  /**
   * The style folder to write: the network (the nine pretrained styles' format), `style.json`,
   * `preview.jpg` and `training/` (what `resume` reads), replaced whole at each checkpoint.
   */
  readonly output: string;
  /** Fine-tune this style (a pretrained id or a style folder) instead of a fresh network. */
  readonly from?: string;
  /** Go on from the checkpoint in `output` (default false: an output holding one is refused). */
  readonly resume?: boolean;
  /** The licence you declare for the painting (recorded in style.json; default 'unspecified', or on `resume` the checkpoint's). */
  readonly licence?: string;
}

/** What a checkpoint records of its inputs (`training/inputs.json`), so `resume` needs only the folder. */
interface RecordedInputs {
  /** Absolute paths, when the inputs were files. */
  readonly painting?: string;
  readonly paintingSha256?: string;
  readonly data?: string;
  readonly licence?: string;
  readonly from?: string;
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
    const recorded = inputs.resume ? await readRecorded(output) : {};
    const style = inputs.style ?? recorded.painting;
    const data = inputs.data ?? recorded.data;
    if (style === undefined) throw new ImpastoError('INVALID_ARGUMENT', inputs.resume ? `the checkpoint in ${output} does not name its painting: pass the painting (--style) to resume` : 'a painting (--style) is required');
    if (data === undefined) throw new ImpastoError('INVALID_ARGUMENT', inputs.resume ? `the checkpoint in ${output} does not name its photos: pass the folder (--data) to resume` : 'a folder of photos (--data) is required');
    const paintingSha256 = await sha256Of(style);
    if (recorded.paintingSha256 && paintingSha256 && paintingSha256 !== recorded.paintingSha256) {
      throw new ImpastoError('INVALID_ARGUMENT', `the checkpoint was trained on another painting (${recorded.painting ?? 'bytes'}); resume with that one`);
    }
    const resolved: ResolvedInputs = { style, data, paintingSha256, licence: inputs.licence ?? recorded.licence, from: inputs.resume ? recorded.from : inputs.from };
    const store = context.store ?? nodePlatform.defaultStore();
    const photos = typeof data === 'string' ? await photoFolder(data) : data;
    const painting = await nodePlatform.codec.decode(style, { maxSize: options.styleSize, maxPixels: 100_000_000 });
    const from = inputs.from && !inputs.resume ? fstParameters(await readFstCheckpoint(styleSource(inputs.from, store))) : undefined;
    const resume = inputs.resume ? await readState(output) : undefined;
    const run = coreTrain(nodePlatform, { painting, photos, from, resume }, options, {
      signal: context.signal,
      store,
      onCheckpoint: (c) => writeCheckpoint(output, c, resolved, options),
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

/** The inputs as this run uses them (the caller's, or on resume the checkpoint's). */
interface ResolvedInputs {
  readonly style: NodeImageInput;
  readonly data: string | PhotoSet;
  readonly paintingSha256?: string;
  readonly licence?: string;
  readonly from?: string;
}

async function readRecorded(output: string): Promise<RecordedInputs> {
  const text = await readFile(join(output, STATE_DIR, RECORDED_INPUTS), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as RecordedInputs;
  } catch {
    throw new ImpastoError('BAD_MODEL', `${join(output, STATE_DIR, RECORDED_INPUTS)} is not JSON`);
  }
}

/** The painting file's (or bytes') SHA-256; undefined for inputs that are neither. */
async function sha256Of(style: NodeImageInput): Promise<string | undefined> {
  const bytes = typeof style === 'string' ? await readFile(style).catch(() => undefined) : style instanceof Uint8Array ? style : undefined;
  return bytes && createHash('sha256').update(bytes).digest('hex');
}

const RECORDED_INPUTS = 'inputs.json';

async function readState(output: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const name of TRAIN_STATE_FILES) {
    const b = await readFile(join(output, STATE_DIR, name)).catch(() => undefined);
    if (b) files[name] = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  return files;
}

/** Writes the whole folder beside `output`, then swaps it in: a checkpoint is never half-written. */
async function writeCheckpoint(output: string, c: TrainCheckpoint, inputs: ResolvedInputs, options: TrainOptions): Promise<void> {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = `${output}.tmp.${tag}`;
  const old = `${output}.old.${tag}`;
  try {
    await mkdir(join(tmp, STATE_DIR), { recursive: true });
    for (const [name, bytes] of Object.entries(c.style)) await writeFile(join(tmp, name), bytes);
    for (const [name, bytes] of Object.entries(c.state)) await writeFile(join(tmp, STATE_DIR, name), bytes);
    await writeFile(join(tmp, STATE_DIR, 'losses.csv'), lossesCsv(c.state['state.json']!));
    const recorded: RecordedInputs = {
      painting: typeof inputs.style === 'string' ? resolve(inputs.style) : undefined,
      paintingSha256: inputs.paintingSha256,
      data: typeof inputs.data === 'string' ? resolve(inputs.data) : undefined,
      licence: inputs.licence,
      from: inputs.from,
    };
    await writeFile(join(tmp, STATE_DIR, RECORDED_INPUTS), JSON.stringify(recorded, null, 2) + '\n');
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
