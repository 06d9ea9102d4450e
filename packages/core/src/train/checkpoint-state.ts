import { ImpastoError } from '../errors';
import type { ResolvedTrainOptions } from '../options/generated';
import type { AdamState } from '../optim/adam';
import { utf8Decode, utf8Encode } from '../platform';

/** Everything that resumes training exactly where a checkpoint left it. */
export interface TrainState {
  /** Steps taken. */
  readonly iteration: number;
  readonly options: ResolvedTrainOptions;
  /** The parameters, packed as `ParameterSet` packs them. */
  readonly params: Float32Array;
  readonly adam: AdamState | null;
  /** Per step: [step, loss, content, style, tv] (weighted terms). */
  readonly history: readonly (readonly number[])[];
}

/** The state's files: `state.json`, and `params.f32`, `adam-m.f32`, `adam-v.f32` (raw little-endian float32). */
export const TRAIN_STATE_FILES = ['state.json', 'params.f32', 'adam-m.f32', 'adam-v.f32'] as const;

const VERSION = 1;

export function encodeTrainState(s: TrainState): Record<string, Uint8Array> {
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  const files: Record<string, Uint8Array> = {
    'state.json': utf8Encode(JSON.stringify({ version: VERSION, iteration: s.iteration, adamSteps: s.adam?.t ?? 0, options: s.options, history: s.history })),
    'params.f32': bytes(s.params),
  };
  if (s.adam) {
    files['adam-m.f32'] = bytes(s.adam.m);
    files['adam-v.f32'] = bytes(s.adam.v);
  }
  return files;
}

export function decodeTrainState(files: Readonly<Record<string, Uint8Array>>): TrainState {
  const bad = (why: string) => new ImpastoError('BAD_MODEL', `not a training checkpoint: ${why}`);
  const json = files['state.json'];
  if (!json) throw bad('state.json is missing');
  let meta: { version?: number; iteration?: number; adamSteps?: number; options?: ResolvedTrainOptions; history?: number[][] };
  try {
    meta = JSON.parse(utf8Decode(json));
  } catch {
    throw bad('state.json is not JSON');
  }
  if (meta.version !== VERSION) throw bad(`state.json is version ${meta.version}, this library reads ${VERSION}`);
  if (!Number.isInteger(meta.iteration) || !meta.options || !Array.isArray(meta.history)) throw bad('state.json lacks its step, options or history');
  const floats = (name: string) => {
    const b = files[name];
    if (!b || b.byteLength % 4) throw bad(`${name} is missing or not float32`);
    const out = new Float32Array(b.byteLength / 4);
    new Uint8Array(out.buffer).set(b);
    return out;
  };
  const params = floats('params.f32');
  const t = meta.adamSteps ?? 0;
  const adam = t > 0 ? { t, m: floats('adam-m.f32'), v: floats('adam-v.f32') } : null;
  if (adam && (adam.m.length !== params.length || adam.v.length !== params.length)) throw bad("Adam's moments do not match the parameters");
  return { iteration: meta.iteration!, options: meta.options, params, adam, history: meta.history };
}
