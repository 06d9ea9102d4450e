import { ImpastoError } from '../errors';

/** What a pool can hold: an engine that can be released. */
export interface PoolableEngine {
  dispose(): Promise<void>;
}

interface Entry {
  readonly key: string;
  readonly engine: Promise<PoolableEngine>;
  /** Runs using it now. */
  active: number;
  /** Dropped from the pool: disposed when its last run ends. */
  evicted: boolean;
}

/** How many engines a pool keeps warm. */
export interface EnginePoolOptions {
  /** Engines kept loaded when idle, least recently used dropped first [4]. */
  readonly maxIdle?: number;
}

/**
 * Loaded engines shared by the calls of a process, by key (`engineKey`: the kind, the resolved load
 * options and the weights' hash). Concurrent calls for one key share one load; an engine stays warm
 * after its runs, up to `maxIdle` idle engines (least recently used dropped first); an engine
 * dropped while in use is disposed once its last run ends. A load that fails is not kept.
 */
export class EnginePool {
  private readonly entries = new Map<string, Entry>();
  private readonly maxIdle: number;
  private closed = false;

  constructor(options: EnginePoolOptions = {}) {
    this.maxIdle = Math.max(0, options.maxIdle ?? 4);
  }

  /** Engines held now, warm or in use. */
  get size(): number {
    return this.entries.size;
  }

  /** Keys held now, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Runs `body` with the engine for `key`, opened with `open` when none is held (a load already
   * under way for the key is shared, not repeated). The engine is kept for later calls.
   */
  async use<E extends PoolableEngine, R>(key: string, open: () => Promise<E>, body: (engine: E) => Promise<R>): Promise<R> {
    if (this.closed) throw new ImpastoError('INVALID_ARGUMENT', 'this engine pool was disposed');
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const engine = open();
      entry = { key, engine, active: 0, evicted: false };
      this.entries.set(key, entry);
      const failed = entry;
      engine.catch(() => {
        if (this.entries.get(key) === failed) this.entries.delete(key);
      });
    }
    entry.active++;
    try {
      return await body((await entry.engine) as E);
    } finally {
      entry.active--;
      await this.settle(entry);
    }
  }

  /** Drops idle engines beyond the cap, and an evicted one whose runs have ended. */
  private async settle(entry: Entry): Promise<void> {
    const doomed: Entry[] = [];
    if (entry.evicted && entry.active === 0) doomed.push(entry);
    const idle = [...this.entries.values()].filter((e) => e.active === 0);
    for (const e of idle.slice(0, Math.max(0, idle.length - this.maxIdle))) {
      this.entries.delete(e.key);
      doomed.push(e);
    }
    await Promise.all(doomed.map((e) => e.engine.then((x) => x.dispose(), () => undefined)));
  }

  /** Drops `key` (idle: now; in use: when its runs end). */
  async evict(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.evicted = true;
    if (entry.active === 0) await entry.engine.then((x) => x.dispose(), () => undefined);
  }

  /** Disposes every engine (those in use when their runs end); later calls are refused. */
  async dispose(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.keys()].map((k) => this.evict(k)));
  }
}

/**
 * The key of an engine: its kind, its load options as resolved (so `{}` and the defaults spelled
 * out share an engine) and what identifies its weights (a catalogue hash, or a folder's fingerprint).
 */
export function engineKey(kind: string, resolvedOptions: object, weights: string): string {
  const sorted = Object.fromEntries(Object.entries(resolvedOptions).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify([kind, weights, sorted]);
}
