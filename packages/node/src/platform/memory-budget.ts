import { freemem, totalmem } from 'node:os';
import { envMemoryBudget } from './env';

export { memoryBudgetFromEnv } from './env';

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

/** The default memory budget of a process in Node: `given` bytes (`env.memoryBudgetMiB`), else 80 % of `memoryLeft()`. */
export function defaultMemoryBudget(given: number | undefined = envMemoryBudget(), r: MemoryReadings = processReadings): number {
  return given ?? SHARE * memoryLeft(r);
}
