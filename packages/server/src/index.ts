// @impasto/server: Impasto as a service. `createServer` is `impasto serve` (an HTTP API with warm
// engine processes, or BullMQ on Redis); `startWorker` is `impasto worker` (a consumer of that queue).
export { createServer, type ServeOptions, type RunningServer } from './server';
export { startWorker, type WorkerOptions, type RunningWorker } from './worker';
export { main } from './cli';
export { ImpastoClient } from '@impasto/core/client';
export type { JobView, JobEvent, JobStatus, JobKind, JobRequest, StyleView } from '@impasto/core/client';
