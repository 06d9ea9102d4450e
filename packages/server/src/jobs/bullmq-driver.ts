import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobError, JobProgress, JobStatus } from '@impasto/core/client';
import { ServiceError } from '../service-error';
import type { DriverEvent, JobDriver, JobRecord, JobSpec, OutputMeta } from './spec';

/** The queue's name, and the Redis keys and channel cancellation uses. */
export const QUEUE_NAME = 'impasto';
export const CANCEL_CHANNEL = 'impasto:cancel';
export const canceledKey = (id: string) => `impasto:canceled:${id}`;

/** What a worker puts in `job.progress`: the latest progress and every checkpoint so far. */
export interface ProgressData {
  readonly progress?: JobProgress;
  readonly checkpoints?: readonly { readonly iteration: number; readonly key: string }[];
}

/** A failure as the worker writes it into `failedReason`: `CODE: message`. */
export function encodeFailure(e: JobError): string {
  return `${e.code}: ${e.message}`;
}

export function decodeFailure(reason: string | undefined): JobError {
  const m = /^([A-Z_]+): (.*)$/s.exec(reason ?? '');
  return m ? { code: m[1] as JobError['code'], message: m[2]! } : { code: 'RUNTIME', message: reason || 'the job failed' };
}

export interface BullmqDriverOptions {
  readonly queueLimit: number;
  readonly resultTtlMs: number;
  readonly attempts: number;
}

/**
 * Jobs on BullMQ: the server adds them to the `impasto` queue in Redis and follows them through
 * `QueueEvents`; `impasto worker` processes consume them on any machine. A job's retries, stalled
 * recovery (its worker killed) and persistence are BullMQ's and Redis's.
 */
export class BullmqDriver implements JobDriver {
  readonly name = 'redis' as const;
  readonly queue: Queue<JobSpec, OutputMeta>;
  private readonly events: QueueEvents;
  private readonly listeners = new Map<string, Set<(e: DriverEvent) => void>>();
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly o: BullmqDriverOptions,
  ) {
    this.queue = new Queue<JobSpec, OutputMeta>(QUEUE_NAME, { connection: redis.duplicate() });
    this.events = new QueueEvents(QUEUE_NAME, { connection: redis.duplicate() });
    this.events.on('active', ({ jobId }) => this.tell(jobId, { type: 'status', status: 'running' }));
    this.events.on('progress', ({ jobId, data }) => {
      const d = data as ProgressData;
      const known = this.seen.get(jobId) ?? 0;
      for (const c of (d.checkpoints ?? []).slice(known)) this.tell(jobId, { type: 'checkpoint', iteration: c.iteration, key: c.key });
      this.seen.set(jobId, Math.max(known, d.checkpoints?.length ?? 0));
      if (d.progress) this.tell(jobId, { type: 'progress', progress: d.progress });
    });
    const finished = async (jobId: string) => {
      const r = await this.get(jobId);
      if (r && ['succeeded', 'failed', 'canceled'].includes(r.status)) {
        this.tell(jobId, { type: 'done', record: r });
        this.seen.delete(jobId);
      } else if (r) this.tell(jobId, { type: 'status', status: r.status });
    };
    this.events.on('completed', ({ jobId }) => void finished(jobId));
    this.events.on('failed', ({ jobId }) => void finished(jobId));
  }

  workers(): undefined {
    return undefined;
  }

  private tell(id: string, e: DriverEvent): void {
    for (const l of this.listeners.get(id) ?? []) l(e);
  }

  async submit(spec: JobSpec): Promise<void> {
    if ((await this.depth()) >= this.o.queueLimit) {
      throw new ServiceError(503, 'QUEUE_FULL', `the queue is full (${this.o.queueLimit} jobs waiting); try again shortly`, { 'retry-after': '5' });
    }
    const age = Math.ceil(this.o.resultTtlMs / 1000);
    await this.queue.add(spec.kind, spec, {
      jobId: spec.id,
      attempts: this.o.attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age },
      removeOnFail: { age },
    });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = (await this.queue.getJob(id)) as Job<JobSpec, OutputMeta> | undefined;
    if (!job) return undefined;
    const state = await job.getState();
    const canceled = (await this.redis.exists(canceledKey(id))) === 1;
    const data = (typeof job.progress === 'object' ? job.progress : {}) as ProgressData;
    const base = {
      id,
      kind: job.data.kind,
      createdAt: job.data.createdAt,
      startedAt: job.processedOn,
      checkpoints: data.checkpoints ?? [],
      progress: data.progress,
    };
    if (state === 'completed') return { ...base, status: 'succeeded', output: job.returnvalue, finishedAt: job.finishedOn, progress: { fraction: 1 } };
    if (state === 'failed') {
      const error = decodeFailure(job.failedReason);
      return { ...base, status: error.code === 'CANCELED' ? 'canceled' : 'failed', error, finishedAt: job.finishedOn };
    }
    // A queued job that was canceled waits only for a worker to drop it.
    if (canceled && state !== 'active') return { ...base, status: 'canceled', error: { code: 'CANCELED', message: 'the job was canceled' }, finishedAt: Date.now() };
    return { ...base, status: state === 'active' ? 'running' : 'queued' };
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const before = await this.get(id);
    if (!before || ['succeeded', 'failed', 'canceled'].includes(before.status)) return before;
    await this.redis.set(canceledKey(id), '1', 'PX', this.o.resultTtlMs);
    await this.redis.publish(CANCEL_CHANNEL, id);
    const after = await this.get(id);
    if (after?.status === 'canceled') this.tell(id, { type: 'done', record: after });
    return after;
  }

  subscribe(id: string, listener: (e: DriverEvent) => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (!set!.size) this.listeners.delete(id);
    };
  }

  async depth(): Promise<number> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed');
    return { queued: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), running: c.active ?? 0, succeeded: c.completed ?? 0, failed: c.failed ?? 0, canceled: 0 };
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
