import { availableParallelism } from 'node:os';
import { defaultMemoryBudget } from '@impasto/node/platform';
import { MemoryBudget } from '@impasto/core/platform';

/** What an engine process takes before any job: Node, ONNX Runtime and a warm engine or two. */
export const ENGINE_PROCESS_BYTES = 384 * 2 ** 20;

/** How a machine's cores and memory are split among its engine processes. */
export interface MachinePlan {
  /** Engine processes (each runs one job at a time). */
  readonly processes: number;
  /** Intra-op threads of each process's sessions: processes × threads ≤ cores. */
  readonly threads: number;
  /** The budget the jobs of all the processes reserve from. */
  readonly memory: MemoryBudget;
}

/**
 * The thread budget (`processes × threads ≤ cores`) and the memory budget of a machine: the
 * machine's memory left (container-aware, or `IMPASTO_MEMORY_BUDGET`) less what the engine
 * processes take themselves. `processes` defaults to one per two cores (sessions are 1.6x faster
 * with two threads than one here, and two at a time keep both cores busy on bigger machines).
 */
export function planMachine(o: { processes?: number; threads?: number; memoryBudgetMiB?: number } = {}): MachinePlan {
  const cores = availableParallelism();
  const processes = Math.max(1, o.processes ?? Math.floor(cores / 2));
  const threads = Math.max(1, o.threads ?? Math.floor(cores / processes));
  const total = o.memoryBudgetMiB !== undefined ? o.memoryBudgetMiB * 2 ** 20 : defaultMemoryBudget() - processes * ENGINE_PROCESS_BYTES;
  return { processes, threads, memory: new MemoryBudget(Math.max(256 * 2 ** 20, total)) };
}
