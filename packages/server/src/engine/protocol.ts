import type { JobError, JobProgress } from '@impasto/core/client';
import type { JobSpec, OutputMeta } from '../jobs/spec';

/** How an engine process reaches the blobs and runs its sessions (passed at fork, as JSON). */
export interface EngineConfig {
  /** Folder blob store (`--data`). */
  readonly data: string;
  /** Redis blob store, when jobs come through Redis. */
  readonly redis?: { readonly url: string; readonly maxBytes: number; readonly ttlMs: number };
  /** Intra-op threads of every session (the thread budget's share of this process). */
  readonly threads: number;
  /** Engines kept warm. */
  readonly maxIdle: number;
}

/** A job as the engine process gets it: the spec and the memory the dispatcher reserved for it. */
export interface EngineJob {
  readonly spec: JobSpec;
  /** MiB the run may plan for (its reservation from the machine's budget). */
  readonly memoryBudgetMiB: number;
}

export type ToEngine = { readonly type: 'run'; readonly job: EngineJob } | { readonly type: 'cancel'; readonly id: string } | { readonly type: 'shutdown' };

export type FromEngine =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'progress'; readonly id: string; readonly progress: JobProgress }
  | { readonly type: 'checkpoint'; readonly id: string; readonly iteration: number; readonly key: string }
  | { readonly type: 'done'; readonly id: string; readonly output: OutputMeta }
  | { readonly type: 'failed'; readonly id: string; readonly error: JobError };
