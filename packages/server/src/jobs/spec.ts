import type { JobKind, JobProgress, JobStatus, JobError } from '@impasto/core/client';

/**
 * A job as the queue holds it: what to do and the blob keys of its files, never the files
 * themselves (a queue entry stays small whatever the upload).
 */
export interface JobSpec {
  readonly id: string;
  readonly kind: JobKind;
  /** Blob key of the photo (or video). */
  readonly input: string;
  /** A style id, or the blob key of a painting. */
  readonly style: { readonly id: string } | { readonly blob: string };
  /** NST's region masks: the blob keys of the photo's and the style image's label images. */
  readonly masks?: { readonly content: string; readonly style: string };
  /** The options, resolved against the kind's schema at submission. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Bytes the run is expected to take, from the image's size (what the dispatcher reserves). */
  readonly memoryBytes: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** A job the server made for itself (a style's thumbnail): not counted in the metrics by kind. */
  readonly internal?: boolean;
}

/** A finished job's output as stored: its blob and what it is. */
export interface OutputMeta {
  readonly key: string;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly frames?: number;
  readonly inferenceMs?: number;
}

/** A job's state as a driver keeps it; the HTTP layer turns it into a `JobView`. */
export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly progress?: JobProgress;
  readonly error?: JobError;
  readonly output?: OutputMeta;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly checkpoints: readonly { readonly iteration: number; readonly key: string }[];
}

/** What a driver tells the job's listeners. */
export type DriverEvent =
  | { readonly type: 'status'; readonly status: JobStatus }
  | { readonly type: 'progress'; readonly progress: JobProgress }
  | { readonly type: 'checkpoint'; readonly iteration: number; readonly key: string }
  | { readonly type: 'done'; readonly record: JobRecord };

/** Where jobs wait and run: in this process (`embedded`) or on BullMQ (`redis`). */
export interface JobDriver {
  readonly name: 'embedded' | 'redis';
  /** Queues `spec` (`QUEUE_FULL` past the queue limit). */
  submit(spec: JobSpec): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Cancels a job: a queued one at once, a running one at its next step. */
  cancel(id: string): Promise<JobRecord | undefined>;
  /** Calls `listener` for the job's events until the returned function is called. */
  subscribe(id: string, listener: (e: DriverEvent) => void): () => void;
  /** Jobs waiting for a worker. */
  depth(): Promise<number>;
  /** Jobs by state (the queue's own view; finished jobs until their results expire). */
  counts(): Promise<Record<JobStatus, number>>;
  /** Worker processes serving this driver, where it knows. */
  workers(): number | undefined;
  close(): Promise<void>;
}

/** Output key of a job, and its checkpoint keys. */
export const outputKey = (id: string) => `jobs/${id}/output`;
export const checkpointKey = (id: string, iteration: number) => `jobs/${id}/checkpoint-${iteration}`;
