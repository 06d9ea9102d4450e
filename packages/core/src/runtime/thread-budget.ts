import { type AbortSignalLike, onAbort } from '../util/abort';
import { ImpastoError } from '../errors';

/** Threads held by one run until `release` (idempotent). */
export interface ThreadLease {
  release(): void;
}

/**
 * The cores of a process shared by its running sessions: a run takes its session's intra-op
 * threads before it runs and gives them back after, so the threads of the sessions running at once
 * never exceed the cores (warm sessions that are not running hold none: they do not spin).
 */
export class ThreadBudget {
  private used = 0;
  private readonly queue: { threads: number; grant(): void }[] = [];

  constructor(readonly cores: number) {}

  /** Threads in use now. */
  get inUse(): number {
    return this.used;
  }

  /** Takes `threads` (at most all the cores), waiting for earlier runs; `ABORTED` if `signal` aborts first. */
  async acquire(threads: number, signal?: AbortSignalLike): Promise<ThreadLease> {
    const want = Math.max(1, Math.min(this.cores, Math.round(threads) || this.cores));
    if (signal?.aborted) throw new ImpastoError('ABORTED', 'the run was aborted');
    if (!this.queue.length && this.used + want <= this.cores) {
      this.used += want;
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter = { threads: want, grant: () => (stop(), resolve()) };
        const stop = onAbort(signal, () => {
          const i = this.queue.indexOf(waiter);
          if (i < 0) return;
          this.queue.splice(i, 1);
          reject(new ImpastoError('ABORTED', 'the run was aborted while it waited for a core'));
          this.drain();
        });
        this.queue.push(waiter);
      });
    }
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.used -= want;
        this.drain();
      },
    };
  }

  private drain(): void {
    while (this.queue.length && this.used + this.queue[0]!.threads <= this.cores) {
      const next = this.queue.shift()!;
      this.used += next.threads;
      next.grant();
    }
  }
}
