// The service's wire types, shared by the server and `ImpastoClient`: shaped like Replicate's
// predictions (an id, a status, progress, an error or an output URL) so they read as people expect.
import type { ImpastoErrorCode } from '../errors';
import type { JobKind } from './job-options';

export type { JobKind };

/** Where a job is: waiting for a worker, running, or one of the three ends. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** The end states: a job in one of them changes no more. */
export const FINISHED: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

/** Why a job failed, as the library said it (or `TIMEOUT`, `WORKER_LOST`, `CANCELED` from the service). */
export interface JobError {
  readonly code: ImpastoErrorCode | 'TIMEOUT' | 'WORKER_LOST' | 'CANCELED' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'QUEUE_FULL' | 'PAYLOAD_TOO_LARGE';
  readonly message: string;
}

/** How far a job is: `fraction` from 0 to 1, and what the run reports (iterations, frames, tiles). */
export interface JobProgress {
  readonly fraction: number;
  readonly done?: number;
  readonly total?: number;
  /** `iteration`, `frame`, `tile`, `loading`. */
  readonly unit?: string;
}

/** The result of a job that succeeded. */
export interface JobOutput {
  readonly url: string;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  /** Video jobs: frames written. */
  readonly frames?: number;
}

/** When things happened (ISO 8601) and how long they took (milliseconds). */
export interface JobTimings {
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly queuedMs?: number;
  readonly runMs?: number;
  /** Time in the network alone (fast and arbitrary style). */
  readonly inferenceMs?: number;
}

export interface JobUrls {
  readonly self: string;
  readonly events: string;
  readonly output: string;
  readonly cancel: string;
}

/** A job as `GET /v1/jobs/{id}` shows it. */
export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly progress?: JobProgress;
  readonly error?: JobError;
  readonly output?: JobOutput;
  readonly timings: JobTimings;
  readonly urls: JobUrls;
  /** NST: the intermediate images so far, oldest first. */
  readonly checkpoints?: readonly { readonly iteration: number; readonly url: string }[];
}

/** What `GET /v1/jobs/{id}/events` streams (Server-Sent Events: `event:` is `type`, `data:` the JSON). */
export type JobEvent =
  | { readonly type: 'status'; readonly status: JobStatus }
  | { readonly type: 'progress'; readonly progress: JobProgress }
  | { readonly type: 'checkpoint'; readonly iteration: number; readonly url: string }
  | { readonly type: 'done'; readonly job: JobView };

/** A pretrained style as `GET /v1/styles` lists it. */
export interface StyleView {
  readonly id: string;
  readonly title: string;
  readonly artist: string;
  readonly licence: string;
  /** A small picture of the style at work. */
  readonly thumbnail: string;
}

/** Every error response's body. */
export interface ErrorBody {
  readonly error: JobError;
}
