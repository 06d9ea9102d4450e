import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import { type MemoryBudget, type MemoryLease } from '@impasto/core/platform';
import type { JobError, JobProgress } from '@impasto/core/client';
import type { JobSpec, OutputMeta } from '../jobs/spec';
import type { EngineConfig, FromEngine, ToEngine } from './protocol';

/** Why a job did not finish in its engine process. */
export class EngineFailure extends Error {
  constructor(
    readonly error: JobError,
    /** The process died under it (killed, crashed, out of memory): another try may succeed. */
    readonly workerLost = false,
  ) {
    super(error.message);
  }
}

/** What a running job tells its caller. */
export interface JobHandlers {
  /** The job left the queue for a process. */
  started?(): void;
  progress?(p: JobProgress): void;
  checkpoint?(iteration: number, key: string): void;
}

export interface EngineProcessPoolOptions {
  /** Engine processes, each running one job at a time. */
  readonly processes: number;
  readonly config: EngineConfig;
  /** The machine's memory budget: a job is dispatched once its estimate is reserved. */
  readonly memory: MemoryBudget;
  /** A job running longer is stopped (its process killed and replaced): `TIMEOUT`. */
  readonly jobTimeoutMs: number;
  /** The engine process script (default: this package's built `engine-process.cjs`). */
  readonly enginePath?: string;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  /** The job it runs now. */
  job?: { id: string; settle(r: { output?: OutputMeta; error?: EngineFailure }): void; handlers: JobHandlers };
}

interface Pending {
  readonly spec: JobSpec;
  readonly handlers: JobHandlers;
  readonly lease: MemoryLease;
  resolve(o: OutputMeta): void;
  reject(e: EngineFailure): void;
  readonly signal?: AbortSignal;
}

let deathWatch: string[] | undefined;
/** `setpriv --pdeathsig KILL` where Linux's util-linux has it: an engine process dies with the server, even mid-run. */
function parentDeathWatch(): string[] {
  if (deathWatch === undefined) {
    const r = process.platform === 'linux' ? spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', process.execPath, '-e', ''], { stdio: 'ignore' }) : undefined;
    deathWatch = r && !r.error && r.status === 0 ? ['--pdeathsig', 'KILL', '--', process.execPath] : [];
  }
  return deathWatch;
}

/**
 * Engine processes (forked, with IPC), each holding warm engines and running one job at a time; a
 * job waits for its memory (from the machine's budget) and for a free process, first come first
 * served. A process that dies is replaced, and its job rejected as `workerLost` (the caller retries).
 */
export class EngineProcessPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private readonly enginePath: string;
  private closing = false;
  /** Processes started over the pool's life (the first ones and their replacements). */
  started = 0;

  constructor(private readonly o: EngineProcessPoolOptions) {
    this.enginePath = o.enginePath ?? join(packageRoot(), 'dist', 'engine-process.cjs');
    for (let i = 0; i < o.processes; i++) this.slots.push(this.spawn());
  }

  /** Engine processes alive now. */
  get alive(): number {
    return this.slots.filter((s) => s.child.exitCode === null && s.child.signalCode === null).length;
  }

  /** Jobs waiting for memory or a process. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Jobs running in a process now. */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** The pids of the engine processes (tests kill them). */
  pids(): number[] {
    return this.slots.map((s) => s.child.pid!).filter(Boolean);
  }

  /** The pid of the process running job `id`, if one is. */
  pidOf(id: string): number | undefined {
    return this.slots.find((s) => s.job?.id === id)?.child.pid;
  }

  private spawn(): Slot {
    const watch = parentDeathWatch();
    const child = fork(this.enginePath, [], {
      env: { ...process.env, IMPASTO_ENGINE_CONFIG: JSON.stringify(this.o.config), IMPASTO_MEMORY_BUDGET: String(Math.floor(this.o.memory.capacity / 2 ** 20)) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(watch.length ? { execPath: 'setpriv', execArgv: watch } : {}),
      serialization: 'advanced',
    });
    this.started++;
    let ready!: () => void;
    const slot: Slot = { child, ready: new Promise<void>((r) => (ready = r)) };
    child.on('message', (msg: FromEngine) => {
      if (msg.type === 'ready') return ready();
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      if (msg.type === 'progress') job.handlers.progress?.(msg.progress);
      else if (msg.type === 'checkpoint') job.handlers.checkpoint?.(msg.iteration, msg.key);
      else if (msg.type === 'done') job.settle({ output: msg.output });
      else job.settle({ error: new EngineFailure(msg.error) });
    });
    child.on('exit', (code, signal) => {
      const job = slot.job;
      job?.settle({ error: new EngineFailure({ code: 'WORKER_LOST', message: `the engine process ${child.pid} stopped (${signal ?? `exit ${code}`}) while it ran the job` }, true) });
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closing) {
        this.slots[i] = this.spawn();
        this.pump();
      }
    });
    child.on('error', () => undefined);
    return slot;
  }

  private post(slot: Slot, msg: ToEngine): void {
    if (slot.child.connected) slot.child.send(msg);
  }

  /**
   * Runs `spec` in a process once its memory is reserved and a process is free; resolves with its
   * output, rejects with an `EngineFailure` (the library's error, `TIMEOUT`, `CANCELED`, or a lost
   * process). Aborting `signal` cancels it (waiting: at once; running: at its next step).
   */
  async run(spec: JobSpec, handlers: JobHandlers = {}, signal?: AbortSignal): Promise<OutputMeta> {
    if (this.closing) throw new EngineFailure({ code: 'WORKER_LOST', message: 'the server is shutting down' }, true);
    const cancel = () => new EngineFailure({ code: 'CANCELED', message: 'the job was canceled' });
    if (signal?.aborted) throw cancel();
    const lease = await this.o.memory.reserve(spec.memoryBytes, `job ${spec.id}`, signal).catch(() => {
      throw cancel();
    });
    return new Promise<OutputMeta>((resolve, reject) => {
      const pending: Pending = { spec, handlers, lease, resolve, reject, signal };
      signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(pending);
        if (i >= 0) {
          this.waiting.splice(i, 1);
          lease.release();
          reject(cancel());
        }
      }, { once: true });
      this.waiting.push(pending);
      this.pump();
    });
  }

  /** Hands waiting jobs to free, ready processes. */
  private pump(): void {
    for (const slot of this.slots) {
      if (!this.waiting.length) return;
      if (slot.job || slot.child.exitCode !== null || slot.child.signalCode !== null) continue;
      this.start(slot, this.waiting.shift()!);
    }
  }

  private start(slot: Slot, p: Pending): void {
    const { spec } = p;
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      this.post(slot, { type: 'cancel', id: spec.id });
      // A run that does not stop at its next step within 10 s is stopped with its process.
      killer = setTimeout(() => slot.child.kill('SIGKILL'), 10_000);
    };
    slot.job = {
      id: spec.id,
      handlers: p.handlers,
      settle: ({ output, error }) => {
        if (slot.job?.id !== spec.id) return;
        slot.job = undefined;
        clearTimeout(timer);
        clearTimeout(killer);
        p.signal?.removeEventListener('abort', onAbort);
        p.lease.release();
        if (output) p.resolve(output);
        else p.reject(p.signal?.aborted ? new EngineFailure({ code: 'CANCELED', message: 'the job was canceled' }) : error!);
        this.pump();
      },
    };
    p.signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => {
      const job = slot.job;
      job?.settle({ error: new EngineFailure({ code: 'TIMEOUT', message: `the job ran longer than ${Math.round(this.o.jobTimeoutMs / 1000)} s, the server's limit` }) });
      slot.child.kill('SIGKILL');
    }, this.o.jobTimeoutMs);
    void slot.ready.then(() => {
      if (slot.job?.id !== spec.id) return;
      p.handlers.started?.();
      this.post(slot, { type: 'run', job: { spec, memoryBudgetMiB: Math.max(16, Math.ceil(p.lease.bytes / 2 ** 20)) } });
    });
  }

  /** Stops taking jobs; with `drain`, waits for the running ones first. Then stops the processes. */
  async close(drain = true): Promise<void> {
    this.closing = true;
    for (const p of this.waiting.splice(0)) {
      p.lease.release();
      p.reject(new EngineFailure({ code: 'WORKER_LOST', message: 'the server is shutting down' }, true));
    }
    if (drain) while (this.running) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
            s.child.once('exit', () => resolve());
            this.post(s, { type: 'shutdown' });
            setTimeout(() => s.child.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
  }
}
