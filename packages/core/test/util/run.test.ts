import { startRun } from '@impasto/core/platform';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('startRun: events and a result', () => {
  it('delivers every event in order to a consumer that starts at once, then the result', async () => {
    const run = startRun<number, string>(async (emit) => {
      for (let i = 0; i < 20; i++) await emit(i);
      return 'done';
    });
    const seen: number[] = [];
    for await (const e of run.events) seen.push(e);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await expect(run.result).resolves.toBe('done');
  });

  it('keeps nothing for nobody: ignoring the events costs no memory and never blocks', async () => {
    let emitted = 0;
    const run = startRun<Uint8Array, number>(async (emit) => {
      for (let i = 0; i < 1000; i++) {
        await emit(new Uint8Array(1024));
        emitted++;
      }
      return emitted;
    });
    await expect(run.result).resolves.toBe(1000);
  });

  it('applies back-pressure: the run waits for a slow consumer instead of queueing', async () => {
    let produced = 0;
    const run = startRun<number, void>(async (emit) => {
      for (let i = 0; i < 50; i++) {
        await emit(i);
        produced++;
      }
    });
    const it = run.events[Symbol.asyncIterator]();
    await it.next();
    for (let i = 0; i < 10; i++) await tick();
    expect(produced).toBeLessThanOrEqual(6);
    let n = 1;
    while (!(await it.next()).done) n++;
    expect(n).toBe(50);
    await run.result;
  });

  it('breaking out stops the stream, not the run', async () => {
    const run = startRun<number, string>(async (emit) => {
      for (let i = 0; i < 100; i++) await emit(i);
      return 'finished';
    });
    for await (const e of run.events) if (e === 3) break;
    await expect(run.result).resolves.toBe('finished');
  });

  it('a failed run rejects the result and throws from the iteration, with no unhandled rejection', async () => {
    const boom = new Error('boom');
    const run = startRun<number, void>(async (emit) => {
      await emit(1);
      throw boom;
    });
    const seen: number[] = [];
    await expect((async () => {
      for await (const e of run.events) seen.push(e);
    })()).rejects.toBe(boom);
    expect(seen).toEqual([1]);
    await expect(run.result).rejects.toBe(boom);
    // Only iterating (never awaiting result) must not leave an unhandled rejection either.
    const quiet = startRun<number, void>(async () => {
      throw boom;
    });
    void quiet;
    await tick();
  });
});
