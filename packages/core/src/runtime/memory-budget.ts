import { ImpastoError } from '../errors';
import type { AbortSignalLike } from '../util/abort';
import { FifoAllocator } from './fifo-allocator';

/** Memory held by one run until `release` (idempotent). */
export interface MemoryLease {
  readonly bytes: number;
  release(): void;
}

/**
 * One memory budget for a whole process: every run reserves its estimate before it starts and
 * gives it back when it ends, so N concurrent runs never plan for the same memory. A run that does
 * not fit now waits its turn (first come, first served, so a large run is not starved by small
 * ones). Callers plan against `capacity` (tiles when one pass would not fit); a run planned for more
 * because its caller's own `memoryBudget` said so takes the whole budget: it runs alone.
 */
export class MemoryBudget {
  private readonly bytes: FifoAllocator;

  /** @param capacity bytes all runs together may hold. */
  constructor(readonly capacity: number) {
    if (!(capacity > 0) || !Number.isFinite(capacity)) throw new ImpastoError('INVALID_ARGUMENT', `a memory budget needs a positive number of bytes, not ${capacity}`);
    this.bytes = new FifoAllocator(capacity);
  }

  /** Bytes reserved now. */
  get inUse(): number {
    return this.bytes.inUse;
  }

  /** Runs waiting for memory. */
  get waiting(): number {
    return this.bytes.waiting;
  }

  /**
   * Reserves `bytes` (at most the whole capacity) for `what`, waiting while earlier runs hold too
   * much. Aborting `signal` while waiting rejects with `ABORTED`.
   */
  async reserve(bytes: number, what: string, signal?: AbortSignalLike): Promise<MemoryLease> {
    const a = await this.bytes.acquire(Math.ceil(bytes), what, signal);
    return { bytes: a.amount, release: a.release };
  }
}
