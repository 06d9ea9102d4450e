import { ImpastoError } from '../errors';
import { every } from '../platform';

/**
 * What core needs of an `AbortSignal` (typed here: core has no DOM or Node typings). A plain
 * `{ aborted }` object works too: it is checked between steps, and polled while a step waits.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener?(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener?(type: 'abort', listener: () => void): void;
}

/** How often a plain `{ aborted }` object is looked at while a step waits. */
const POLL_MS = 50;

/**
 * Calls `onAbort` once when `signal` aborts (at once if it already has); returns the unsubscribe.
 * A real `AbortSignal` is listened to; a plain object is polled.
 */
export function onAbort(signal: AbortSignalLike | undefined, onAborted: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAborted();
    return () => undefined;
  }
  if (typeof signal.addEventListener === 'function') {
    const listener = () => onAborted();
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener?.('abort', listener);
  }
  const stop = every(POLL_MS, () => {
    if (!signal.aborted) return;
    stop();
    onAborted();
  });
  return stop;
}

/**
 * `work`, or an `ABORTED` rejection with `message` as soon as `signal` aborts, whichever comes first. `work` is not cancelled: the caller stops what feeds it (kills the process, closes
 * the pipe), and its late settling is ignored.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignalLike | undefined, message: string): Promise<T> {
  if (!signal) return work;
  let stop = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    stop = onAbort(signal, () => reject(new ImpastoError('ABORTED', message)));
  });
  work.catch(() => undefined);
  return Promise.race([work, aborted]).finally(stop);
}
