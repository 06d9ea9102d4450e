import { EventEmitter } from 'node:events';
import type { JobStatus } from '@impasto/core/client';
import type { BlobStore } from '../blobs/blob-store';
import { EngineFailure, type EngineProcessPool } from '../engine/process-pool';
import { ServiceError } from '../service-error';
import type { DriverEvent, JobDriver, JobRecord, JobSpec } from './spec';

export interface EmbeddedDriverOptions {
  /** Jobs that may wait at once; more are refused with 503. */
  readonly queueLimit: number;
  /** How long a finished job and its files are kept. */
  readonly resultTtlMs: number;
  /** Tries of a job whose process died under it (the first run included). */
  readonly attempts: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Jobs in this process: a FIFO in memory, run by the engine processes of `pool`. A job whose
 * process dies is retried (up to `attempts` runs); bad input is not. Finished jobs and their blobs
 * are dropped after `resultTtlMs`. Nothing survives a restart of the server: use `--redis` for that.
 */
export class EmbeddedDriver implements JobDriver {
  readonly name = 'embedded' as const;
  private readonly records = new Map<string, Mutable<JobRecord>>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly events = new EventEmitter();
  private readonly timers = new Set<NodeJS.Timeout>();
  private waitingCount = 0;

  constructor(
    private readonly pool: EngineProcessPool,
    private readonly blobs: BlobStore,
    private readonly o: EmbeddedDriverOptions,
  ) {
    this.events.setMaxListeners(0);
  }

  workers(): number {
    return this.pool.alive;
  }

  async submit(spec: JobSpec): Promise<void> {
    if (this.waitingCount >= this.o.queueLimit) {
      throw new ServiceError(503, 'QUEUE_FULL', `the queue is full (${this.o.queueLimit} jobs waiting); try again shortly`, { 'retry-after': '5' });
    }
    const record: Mutable<JobRecord> = { id: spec.id, kind: spec.kind, status: 'queued', createdAt: spec.createdAt, checkpoints: [] };
    this.records.set(spec.id, record);
    this.waitingCount++;
    void this.runJob(spec, record);
  }

  private emit(id: string, e: DriverEvent): void {
    this.events.emit(id, e);
  }

  private async runJob(spec: JobSpec, record: Mutable<JobRecord>): Promise<void> {
    const ctl = new AbortController();
    this.controllers.set(spec.id, ctl);
    let waiting = true;
    const leaveQueue = () => {
      if (waiting) this.waitingCount--;
      waiting = false;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.pool.run(
          spec,
          {
            started: () => {
              leaveQueue();
              record.status = 'running';
              record.startedAt ??= Date.now();
              this.emit(spec.id, { type: 'status', status: 'running' });
            },
            progress: (progress) => {
              record.progress = progress;
              this.emit(spec.id, { type: 'progress', progress });
            },
            checkpoint: (iteration, key) => {
              record.checkpoints = [...record.checkpoints, { iteration, key }];
              this.emit(spec.id, { type: 'checkpoint', iteration, key });
            },
          },
          ctl.signal,
        );
        this.finish(record, 'succeeded', { output });
        break;
      } catch (e) {
        const f = e instanceof EngineFailure ? e : new EngineFailure({ code: 'RUNTIME', message: (e as Error).message });
        if (f.workerLost && attempt < this.o.attempts && !ctl.signal.aborted) {
          // Its process died under it: run it again (at the back of the queue, as a fresh submission would).
          record.status = 'queued';
          if (!waiting) this.waitingCount++;
          waiting = true;
          this.emit(spec.id, { type: 'status', status: 'queued' });
          await new Promise((r) => setTimeout(r, 250 * attempt));
          continue;
        }
        const canceled = f.error.code === 'CANCELED';
        this.finish(record, canceled ? 'canceled' : 'failed', { error: f.error });
        break;
      }
    }
    leaveQueue();
    this.controllers.delete(spec.id);
  }

  private finish(record: Mutable<JobRecord>, status: JobStatus, r: { output?: JobRecord['output']; error?: JobRecord['error'] }): void {
    record.status = status;
    record.finishedAt = Date.now();
    if (r.output) record.output = r.output;
    if (r.error) record.error = r.error;
    if (status === 'succeeded') record.progress = { fraction: 1, ...(record.progress?.total ? { done: record.progress.total, total: record.progress.total, unit: record.progress.unit } : {}) };
    this.emit(record.id, { type: 'done', record: { ...record } });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.records.delete(record.id);
      void this.blobs.deletePrefix(`jobs/${record.id}`).catch(() => undefined);
    }, this.o.resultTtlMs);
    timer.unref();
    this.timers.add(timer);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const r = this.records.get(id);
    return r && { ...r };
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const r = this.records.get(id);
    if (!r) return undefined;
    this.controllers.get(id)?.abort();
    return { ...r };
  }

  subscribe(id: string, listener: (e: DriverEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  async depth(): Promise<number> {
    return this.waitingCount;
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const c: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 };
    for (const r of this.records.values()) c[r.status]++;
    return c;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
