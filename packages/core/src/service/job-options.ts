import { AST_STYLIZE_SCHEMA } from '../ast/options';
import { ImpastoError } from '../errors';
import { FAST_STYLE_LOAD_SCHEMA, STYLIZE_SCHEMA } from '../fst/options';
import { ENCODE_SCHEMA } from '../image/options';
import { NST_LOAD_SCHEMA, NST_RUN_SCHEMA, NST_SCHEMA } from '../nst/options';
import { type Field, type Schema, defineSchema, resolveOptions } from '../options/schema';
import { VIDEO_SCHEMA } from '../video/options';

/** What a service job does: fast style, arbitrary style, NST, or a video. */
export const JOB_KINDS = ['fst', 'ast', 'nst', 'video'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Containers a video job writes. */
export const VIDEO_FORMATS = ['mp4', 'webm', 'mkv', 'mov'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

/** The fields of `from` named by `keys`, as they are (so their checks and messages are the library's). */
function fieldsOf(from: Schema, keys: readonly string[]): Record<string, Field> {
  return Object.fromEntries(keys.map((k) => [k, from.fields[k]!]));
}

// What a client may set per kind: the library's own fields, less what the service decides for all
// jobs (provider, threads, memory budget, pixel limit) and what JSON cannot carry (an init image).
const FST_JOB = defineSchema('FstJobOptions', 'a fast-style job', {
  ...fieldsOf(FAST_STYLE_LOAD_SCHEMA, ['precision']),
  ...fieldsOf(STYLIZE_SCHEMA, ['maxSize', 'format', 'quality', 'preserveColors', 'tile']),
}, { check: STYLIZE_SCHEMA.check });

const AST_JOB = defineSchema('AstJobOptions', 'an arbitrary-style job', fieldsOf(AST_STYLIZE_SCHEMA, ['maxSize', 'format', 'quality', 'strength', 'styleSize', 'styleScale', 'preserveColors', 'tile']));

const NST_JOB = defineSchema('NstJobOptions', 'a neural-style job', {
  ...fieldsOf(NST_LOAD_SCHEMA, ['net', 'pooling', 'contentLayers', 'styleLayers']),
  ...fieldsOf(NST_RUN_SCHEMA, ['size', 'styleSize', 'styleScale', 'preserveColors', 'contentWeight', 'styleWeight', 'tvWeight', 'photorealism', 'smooth', 'optimizer', 'lr', 'iterations', 'startSize', 'topIterations', 'checkpointEvery', 'init', 'seed']),
  ...fieldsOf(ENCODE_SCHEMA, ['format', 'quality']),
}, { check: (r, c) => NST_SCHEMA.check?.(r, c) });

const VIDEO_JOB = defineSchema('VideoJobOptions', 'a video job', {
  ...fieldsOf(VIDEO_SCHEMA, ['start', 'duration', 'maxSize', 'crf', 'stabilize', 'temporalWeight', 'temporalThreshold', 'flowSize']),
  ...fieldsOf(FAST_STYLE_LOAD_SCHEMA, ['precision']),
  format: { kind: 'choice', choices: VIDEO_FORMATS, default: 'mp4', doc: 'Container of the result: mp4, mov, mkv (H.264) or webm (VP9)' },
});

/** The options schema of each kind of job. */
export const JOB_OPTION_SCHEMAS: Readonly<Record<JobKind, Schema>> = { fst: FST_JOB, ast: AST_JOB, nst: NST_JOB, video: VIDEO_JOB };

/** A job's options checked against its kind's schema, defaults filled in (`INVALID_ARGUMENT` with the library's message). */
export function resolveJobOptions(kind: JobKind, options: unknown): Record<string, unknown> {
  const schema = JOB_OPTION_SCHEMAS[kind];
  if (!schema) throw new ImpastoError('INVALID_ARGUMENT', `Unknown job kind '${String(kind)}'; valid kinds: ${JOB_KINDS.join(', ')}`);
  return resolveOptions<Record<string, unknown>>(schema, options as object | undefined, { platform: 'node', mode: 'transfer' });
}
