// JSON schemas of the responses: Fastify serialises with them, and /openapi.json is made from them.
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str } } },
} as const;

const PROGRESS = { type: 'object', required: ['fraction'], properties: { fraction: num, done: num, total: num, unit: str } } as const;

export const JOB_SCHEMA = {
  type: 'object',
  required: ['id', 'kind', 'status', 'timings', 'urls'],
  properties: {
    id: str,
    kind: { type: 'string', enum: ['fst', 'ast', 'nst', 'video'] },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'] },
    progress: PROGRESS,
    error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str } },
    output: { type: 'object', required: ['url', 'contentType', 'width', 'height', 'bytes'], properties: { url: str, contentType: str, width: int, height: int, bytes: int, frames: int } },
    timings: {
      type: 'object',
      required: ['createdAt'],
      properties: { createdAt: str, startedAt: str, finishedAt: str, queuedMs: num, runMs: num, inferenceMs: num },
    },
    urls: { type: 'object', required: ['self', 'events', 'output', 'cancel'], properties: { self: str, events: str, output: str, cancel: str } },
    checkpoints: { type: 'array', items: { type: 'object', required: ['iteration', 'url'], properties: { iteration: int, url: str } } },
  },
} as const;

export const STYLES_SCHEMA = {
  type: 'object',
  required: ['styles'],
  properties: {
    styles: {
      type: 'array',
      items: { type: 'object', required: ['id', 'title', 'artist', 'licence', 'thumbnail'], properties: { id: str, title: str, artist: str, licence: str, thumbnail: str } },
    },
  },
} as const;
