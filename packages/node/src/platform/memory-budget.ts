import { freemem, totalmem } from 'node:os';
import { ImpastoError } from '@impasto/core';

/** What the default budget reads (injectable for tests). */
export interface MemoryReadings {
  /** The host's free memory (`os.freemem`). */
  readonly free: () => number;
  /** What this process may still allocate: the container's limit less its use where there is one (`process.availableMemory`, Node ≥ 20.13). */
  readonly available?: () => number;
  /** The container's limit, or a huge number without one (`process.constrainedMemory`), for Node without `availableMemory`. */
  readonly constrained?: () => number | undefined;
  readonly total: () => number;
  readonly rss: () => number;
}

const processReadings: MemoryReadings = {
  free: freemem,
  available: typeof process.availableMemory === 'function' ? () => process.availableMemory() : undefined,
  constrained: typeof process.constrainedMemory === 'function' ? () => process.constrainedMemory() : undefined,
  total: totalmem,
  rss: () => process.memoryUsage.rss(),
};

/** Share of the memory left that one run plans for: the rest is the engine's, the codec's and V8's. */
const SHARE = 0.8;

/**
 * The memory this process can still get: the smaller of the host's free memory and what its
 * container (a cgroup v1 or v2 memory limit, as Docker and Kubernetes set) has left. Without the
 * container's part a run in a 1.5 GiB container planned for the host's 20 GB and was OOM-killed.
 */
export function memoryLeft(r: MemoryReadings = processReadings): number {
  const free = r.free();
  if (r.available) return Math.min(free, r.available());
  const limit = r.constrained?.();
  // Without a limit the call reports a huge number (2^64) or 0.
  if (limit && limit < r.total()) return Math.min(free, Math.max(0, limit - r.rss()));
  return free;
}

/** `IMPASTO_MEMORY_BUDGET` in bytes, or undefined when unset; anything but a whole number of MiB (16 or more) is refused. */
export function memoryBudgetFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const mib = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(mib >= 16 && mib <= 2 ** 31 - 1)) {
    throw new ImpastoError('INVALID_ARGUMENT', `IMPASTO_MEMORY_BUDGET must be a whole number of MiB between 16 and 2147483647, but is '${value.slice(0, 40)}'`);
  }
  return mib * 2 ** 20;
}

/** The default memory budget of one run in Node: `IMPASTO_MEMORY_BUDGET`, else 80 % of `memoryLeft()`. */
export function defaultMemoryBudget(env: string | undefined = process.env.IMPASTO_MEMORY_BUDGET, r: MemoryReadings = processReadings): number {
  return memoryBudgetFromEnv(env) ?? SHARE * memoryLeft(r);
}
