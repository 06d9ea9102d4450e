import { ImpastoError } from '../errors';
import { type AbortSignalLike, onAbort } from '../util/abort';

/** Memory held by one run until `release` (idempotent). */
export interface MemoryLease {
  readonly bytes: number;
  release(): void;
}

interface Waiter {
  readonly bytes: number;
  grant(): void;
}

/**
 * One memory budget for a whole process: every run reserves its estimate before it starts and
 * gives it back when it ends, so N concurrent runs never plan for the same memory. A run that does
 * not fit now waits its turn (first come, first served, so a large run is not starved by small
 * ones). Callers plan against `capacity` (tiles when one pass would not fit); a run planned for more
 * because its caller's own `memoryBudget` said so takes the whole budget: it runs alone.
 */
export class MemoryBudget {
  private reserved = 0;
  private readonly queue: Waiter[] = [];

  /** @param capacity bytes all runs together may hold. */
  constructor(readonly capacity: number) {
    if (!(capacity > 0) || !Number.isFinite(capacity)) throw new ImpastoError('INVALID_ARGUMENT', `a memory budget needs a positive number of bytes, not ${capacity}`);
  }

  /** Bytes reserved now. */
  get inUse(): number {
    return this.reserved;
  }

  /** Runs waiting for memory. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Reserves `bytes` (at most the whole capacity) for `what`, waiting while earlier runs hold too
   * much. Aborting `signal` while waiting rejects with `ABORTED`.
   */
  async reserve(bytes: number, what: string, signal?: AbortSignalLike): Promise<MemoryLease> {
    const need = Math.min(this.capacity, Math.max(0, Math.ceil(bytes)));
    if (signal?.aborted) throw new ImpastoError('ABORTED', `${what} was aborted`);
    if (!this.queue.length && this.reserved + need <= this.capacity) return this.lease(need);
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes: need,
        grant: () => {
          stop();
          resolve();
        },
      };
      const stop = onAbort(signal, () => {
        const i = this.queue.indexOf(waiter);
        if (i < 0) return;
        this.queue.splice(i, 1);
        reject(new ImpastoError('ABORTED', `${what} was aborted while it waited for memory`));
        this.drain();
      });
      this.queue.push(waiter);
    });
    return this.lease(need, true);
  }

  /** A lease whose bytes are already counted when `counted`. */
  private lease(bytes: number, counted = false): MemoryLease {
    if (!counted) this.reserved += bytes;
    let held = true;
    return {
      bytes,
      release: () => {
        if (!held) return;
        held = false;
        this.reserved -= bytes;
        this.drain();
      },
    };
  }

  /** Grants waiting runs in order while the first of them fits. */
  private drain(): void {
    while (this.queue.length && this.reserved + this.queue[0]!.bytes <= this.capacity) {
      const next = this.queue.shift()!;
      this.reserved += next.bytes;
      next.grant();
    }
  }
}
