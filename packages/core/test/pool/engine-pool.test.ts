import { EnginePool, engineKey } from '../../src/pool/engine-pool';
import { MemoryBudget } from '../../src/runtime/memory-budget';
import { ThreadBudget } from '../../src/runtime/thread-budget';

/** A fake engine that records its life. */
function opener(log: string[]) {
  let n = 0;
  return (key: string, ms = 5, fail = false) => async () => {
    const id = `${key}#${++n}`;
    log.push(`open ${id}`);
    await new Promise((r) => setTimeout(r, ms));
    if (fail) throw new Error(`cannot open ${key}`);
    return { id, dispose: async () => void log.push(`dispose ${id}`) };
  };
}

describe('EnginePool', () => {
  it('merges concurrent loads of one key and keeps the engine warm for the next call', async () => {
    const log: string[] = [];
    const open = opener(log);
    const pool = new EnginePool();
    const ids = await Promise.all(Array.from({ length: 8 }, () => pool.use('wave', open('wave', 20), async (e) => e.id)));
    expect(new Set(ids)).toEqual(new Set(['wave#1']));
    expect(await pool.use('wave', open('wave'), async (e) => e.id)).toBe('wave#1');
    expect(log).toEqual(['open wave#1']);
  });

  it('keeps at most maxIdle idle engines, dropping the least recently used', async () => {
    const log: string[] = [];
    const open = opener(log);
    const pool = new EnginePool({ maxIdle: 2 });
    for (const k of ['a', 'b', 'a', 'c']) await pool.use(k, open(k), async () => undefined);
    expect(pool.keys()).toEqual(['a', 'c']);
    expect(log).toEqual(['open a#1', 'open b#2', 'open c#3', 'dispose b#2']);
  });

  it('disposes an engine dropped while in use only after its runs end', async () => {
    const log: string[] = [];
    const open = opener(log);
    const pool = new EnginePool({ maxIdle: 0 });
    let release!: () => void;
    const running = pool.use('a', open('a'), () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    const disposing = pool.dispose();
    expect(log).toEqual(['open a#1']);
    release();
    await running;
    await disposing;
    expect(log).toEqual(['open a#1', 'dispose a#1']);
    await expect(pool.use('a', open('a'), async () => undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('does not keep a load that failed: the next call tries again', async () => {
    const log: string[] = [];
    const open = opener(log);
    const pool = new EnginePool();
    await expect(pool.use('x', open('x', 1, true), async () => undefined)).rejects.toThrow(/cannot open x/);
    expect(pool.size).toBe(0);
    expect(await pool.use('x', open('x'), async (e) => e.id)).toBe('x#2');
  });

  it('keys on resolved options in any order', () => {
    expect(engineKey('fst', { ep: 'cpu', precision: 'fp32' }, 'h')).toBe(engineKey('fst', { precision: 'fp32', ep: 'cpu', extra: undefined }, 'h'));
    expect(engineKey('fst', { ep: 'cpu' }, 'h')).not.toBe(engineKey('fst', { ep: 'cpu' }, 'other weights'));
  });
});

describe('MemoryBudget', () => {
  it('lets runs that fit together run at once, and makes the rest wait in order', async () => {
    const budget = new MemoryBudget(100);
    const order: string[] = [];
    let peak = 0;
    const run = async (name: string, bytes: number, ms: number) => {
      const lease = await budget.reserve(bytes, name);
      peak = Math.max(peak, budget.inUse);
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`end ${name}`);
      lease.release();
    };
    await Promise.all([run('a', 60, 30), run('b', 60, 20), run('c', 30, 5)]);
    // b does not fit beside a; c, which would, waits behind b (no overtaking), then runs beside it.
    expect(order).toEqual(['start a', 'end a', 'start b', 'start c', 'end c', 'end b']);
    expect(peak).toBe(90);
    expect(budget.inUse).toBe(0);
  });

  it('a run planned beyond the capacity takes all of it; an abort while waiting rejects and lets the next go', async () => {
    const budget = new MemoryBudget(100);
    const first = await budget.reserve(1000, 'huge');
    expect(first.bytes).toBe(100);
    const ac = new AbortController();
    const waiting = budget.reserve(10, 'small', ac.signal);
    const next = budget.reserve(10, 'next');
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    first.release();
    first.release(); // twice is harmless
    expect((await next).bytes).toBe(10);
    expect(budget.inUse).toBe(10);
  });
});

describe('ThreadBudget', () => {
  it('never lets the running sessions take more threads than the cores', async () => {
    const threads = new ThreadBudget(4);
    let peak = 0;
    const run = async (n: number) => {
      const lease = await threads.acquire(n);
      peak = Math.max(peak, threads.inUse);
      await new Promise((r) => setTimeout(r, 5));
      lease.release();
    };
    await Promise.all([run(2), run(2), run(3), run(1), run(0), run(8)]);
    expect(peak).toBeLessThanOrEqual(4);
    expect(threads.inUse).toBe(0);
  });
});
