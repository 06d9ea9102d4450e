/**
 * A long call in progress: its events as they happen, and its result. Shaped like a promise with
 * a progress stream, so `await run.result` ignores the events and costs nothing for them.
 */
export interface Run<E, R> {
  /**
   * Events from the moment you start iterating (none are kept before, so an ignored stream holds
   * no memory). Iterating applies back-pressure: the run waits when you fall more than a few
   * events behind. Breaking out stops the stream, not the run (abort the run with its signal).
   * If the run fails, iteration throws its error.
   */
  readonly events: AsyncIterable<E>;
  /** The final value; rejects with the run's error. */
  readonly result: Promise<R>;
}

/** Events a slow consumer may fall behind before the run waits for it. */
const HIGH_WATER = 4;

/** Starts `body` at once, giving it an `emit` that feeds `events`. */
export function startRun<E, R>(body: (emit: (event: E) => Promise<void>) => Promise<R>): Run<E, R> {
  const queue: E[] = [];
  let listening = false;
  let finished: { error?: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  // Several emits may wait at once (a worker's messages are not awaited one by one).
  let producers: (() => void)[] = [];
  const wakeProducers = () => {
    const waiting = producers;
    producers = [];
    for (const w of waiting) w();
  };
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  const emit = async (event: E) => {
    if (!listening) return;
    queue.push(event);
    wake();
    while (listening && queue.length > HIGH_WATER) await new Promise<void>((r) => producers.push(r));
  };

  // Started on the next microtask, so a caller who iterates `events` right after the call sees
  // the first event even when the body emits before its first await.
  const result = Promise.resolve().then(() => body(emit)).then(
    (v) => {
      finished = {};
      wake();
      return v;
    },
    (e: unknown) => {
      finished = { error: e };
      wake();
      throw e;
    },
  );
  // Whoever awaits `result` sees the error; a caller who only iterates `events` must not get an
  // unhandled rejection on top of the error the iteration throws.
  result.catch(() => undefined);

  const stop = () => {
    listening = false;
    queue.length = 0;
    wakeProducers();
  };
  const events: AsyncIterable<E> = {
    [Symbol.asyncIterator]() {
      listening = !finished;
      return {
        async next(): Promise<IteratorResult<E>> {
          for (;;) {
            if (queue.length) {
              const value = queue.shift()!;
              if (queue.length <= HIGH_WATER) wakeProducers();
              return { value, done: false };
            }
            if (finished || !listening) {
              listening = false;
              if (finished?.error !== undefined) throw finished.error;
              return { value: undefined, done: true };
            }
            await new Promise<void>((r) => (wakeConsumer = r));
          }
        },
        async return(): Promise<IteratorResult<E>> {
          stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { events, result };
}

/** Passes `run`'s events on to `emit` (an outer run's) and returns its result: one run built on another. */
export async function relayRun<E, R>(run: Run<E, R>, emit: (event: E) => Promise<void>): Promise<R> {
  for await (const e of run.events) await emit(e);
  return run.result;
}
