import type { AbortSignalLike } from '../util/abort';
import { type Allocation, FifoAllocator } from './fifo-allocator';

/** Threads held by one run until `release` (idempotent). */
export type ThreadLease = Pick<Allocation, 'release'>;

/**
 * The cores of a process shared by its running sessions: a run takes its session's intra-op
 * threads before it runs and gives them back after, so the threads of the sessions running at once
 * never exceed the cores (warm sessions that are not running hold none: they do not spin).
 */
export class ThreadBudget {
  private readonly threads: FifoAllocator;

  constructor(readonly cores: number) {
    this.threads = new FifoAllocator(cores);
  }

  /** Threads in use now. */
  get inUse(): number {
    return this.threads.inUse;
  }

  /** Takes `threads` (at least one, at most all the cores), waiting for earlier runs; `ABORTED` if `signal` aborts first. */
  acquire(threads: number, signal?: AbortSignalLike): Promise<ThreadLease> {
    return this.threads.acquire(Math.max(1, Math.round(threads) || this.cores), 'the run', signal);
  }
}
