import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { EngineFailure, EngineProcessPool } from './engine/process-pool';
import { CANCEL_CHANNEL, type ProgressData, QUEUE_NAME, canceledKey, encodeFailure } from './jobs/bullmq-driver';
import type { JobSpec, OutputMeta } from './jobs/spec';
import { planMachine } from './resources';
import { isBadInput } from './service-error';

/** How `impasto worker` runs. */
export interface WorkerOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  readonly redis: string;
  /** Jobs at once: one engine process each [one per two cores]. */
  readonly concurrency?: number;
  /** Intra-op threads per process [cores ÷ concurrency]. */
  readonly threads?: number;
  /** MiB all jobs of this machine may reserve together [the memory left, container-aware]. */
  readonly memoryBudgetMiB?: number;
  /** Folder for blobs too large for Redis (one every machine mounts) [the system temp folder]. */
  readonly data: string;
  /** Blobs up to this size live in Redis itself. */
  readonly redisBlobMaxBytes: number;
  readonly resultTtlMs: number;
  readonly jobTimeoutMs: number;
  /** BullMQ's lock: a worker that stops renewing it (killed) has its job moved back after this [30 s]. */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for [lockDuration]. */
  readonly stalledIntervalMs?: number;
  /** Warm engines per process [4]. */
  readonly maxIdle?: number;
  /** The engine process script (tests). */
  readonly enginePath?: string;
}

/** A running `impasto worker`. */
export interface RunningWorker {
  readonly pool: EngineProcessPool;
  /** Stops taking jobs, lets the running ones finish, then stops. */
  close(): Promise<void>;
}

/**
 * Consumes the `impasto` queue on this machine: BullMQ takes jobs (`concurrency` at once) and
 * renews their locks here, while each job runs in an engine process with warm engines, its memory
 * reserved from this machine's budget. Progress goes to `job.updateProgress` (the server streams
 * it); bad input fails at once (`UnrecoverableError`), a lost engine process is retried with
 * backoff; a worker killed outright has its job recovered by BullMQ's stalled-job check.
 */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const plan = planMachine({ processes: o.concurrency, threads: o.threads, memoryBudgetMiB: o.memoryBudgetMiB });
  const connection = new Redis(o.redis, { maxRetriesPerRequest: null });
  const subscriber = connection.duplicate();
  const pool = new EngineProcessPool({
    processes: plan.processes,
    memory: plan.memory,
    jobTimeoutMs: o.jobTimeoutMs,
    enginePath: o.enginePath,
    config: { data: o.data, threads: plan.threads, maxIdle: o.maxIdle ?? 4, redis: { url: o.redis, maxBytes: o.redisBlobMaxBytes, ttlMs: o.resultTtlMs } },
  });
  const lockDuration = o.lockDurationMs ?? 30_000;
  const worker = new Worker<JobSpec, OutputMeta>(
    QUEUE_NAME,
    async (job: Job<JobSpec, OutputMeta>, _token?: string, signal?: AbortSignal) => {
      const spec = job.data;
      if (await connection.exists(canceledKey(spec.id))) throw new UnrecoverableError(encodeFailure({ code: 'CANCELED', message: 'the job was canceled before it started' }));
      let data: ProgressData = typeof job.progress === 'object' ? (job.progress as ProgressData) : {};
      const report = (next: ProgressData) => {
        data = { ...data, ...next };
        void job.updateProgress(data as object).catch(() => undefined);
      };
      try {
        return await pool.run(spec, { progress: (progress) => report({ progress }), checkpoint: (iteration, key) => report({ checkpoints: [...(data.checkpoints ?? []), { iteration, key }] }) }, signal);
      } catch (e) {
        const f = e instanceof EngineFailure ? e : new EngineFailure({ code: 'RUNTIME', message: (e as Error).message });
        // Bad input, a timeout or a cancel: no retry can help. A lost process or a runtime fault may pass next time.
        if (isBadInput(f.error.code) && !f.workerLost) throw new UnrecoverableError(encodeFailure(f.error));
        throw new Error(encodeFailure(f.error));
      }
    },
    { connection: connection.duplicate(), concurrency: plan.processes, lockDuration, stalledInterval: o.stalledIntervalMs ?? lockDuration, maxStalledCount: 2 },
  );
  worker.on('error', () => undefined);
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel: string, id: string) => worker.cancelJob(id, 'canceled'));
  await worker.waitUntilReady();
  return {
    pool,
    async close() {
      // BullMQ's close waits for the jobs it is running to finish.
      await worker.close();
      await pool.close(true);
      await subscriber.quit().catch(() => undefined);
      await connection.quit().catch(() => undefined);
    },
  };
}
