import { ImpastoError } from '../errors';
import { type AbortSignalLike, onAbort } from '../util/abort';

/** An amount held until `release` (idempotent). */
export interface Allocation {
  readonly amount: number;
  release(): void;
}

/**
 * A counted resource handed out first come, first served: a request that does not fit waits, and
 * nothing behind it overtakes it (so a large one is not starved by small ones). What the memory
 * and thread budgets are built on.
 */
export class FifoAllocator {
  private used = 0;
  private readonly queue: { amount: number; grant(): void }[] = [];

  constructor(readonly capacity: number) {}

  /** Held now. */
  get inUse(): number {
    return this.used;
  }

  /** Requests waiting. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Takes `amount` (at most the capacity), waiting its turn; aborting `signal` while waiting rejects with `ABORTED` (`what` in the message). */
  async acquire(amount: number, what: string, signal?: AbortSignalLike): Promise<Allocation> {
    const want = Math.min(this.capacity, Math.max(0, amount));
    if (signal?.aborted) throw new ImpastoError('ABORTED', `${what} was aborted`);
    if (!this.queue.length && this.used + want <= this.capacity) {
      this.used += want;
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter = { amount: want, grant: () => (stop(), resolve()) };
        const stop = onAbort(signal, () => {
          const i = this.queue.indexOf(waiter);
          if (i < 0) return;
          this.queue.splice(i, 1);
          reject(new ImpastoError('ABORTED', `${what} was aborted while it waited`));
          this.drain();
        });
        this.queue.push(waiter);
      });
    }
    let held = true;
    return {
      amount: want,
      release: () => {
        if (!held) return;
        held = false;
        this.used -= want;
        this.drain();
      },
    };
  }

  /** Grants waiting requests in order while the first of them fits. */
  private drain(): void {
    while (this.queue.length && this.used + this.queue[0]!.amount <= this.capacity) {
      const next = this.queue.shift()!;
      this.used += next.amount;
      next.grant();
    }
  }
}
