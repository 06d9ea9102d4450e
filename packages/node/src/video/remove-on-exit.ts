import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/** A file that is removed when this process ends before `release`. */
export interface ExitRemoval {
  /** The file is ours to keep or remove now (it was renamed into place or removed). */
  release(): void;
}

/**
 * Removes `path` if this process ends, however it ends (SIGKILL and crashes included), before
 * `release` is called: a small detached `sh` waits for its standard input, a pipe from us, to
 * close, then removes the file. A caught signal removes partial files itself; this covers the
 * signals nothing can catch. Where there is no `sh` (Windows) it does nothing.
 */
export function removeOnExit(path: string): ExitRemoval {
  if (process.platform === 'win32') return { release: () => undefined };
  let child;
  try {
    child = spawn('sh', ['-c', 'cat >/dev/null; rm -f -- "$1"', 'impasto-cleanup', path], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  } catch {
    return { release: () => undefined };
  }
  child.on('error', () => undefined);
  child.stdin!.on('error', () => undefined);
  // Neither the process nor its pipe may keep Node running.
  child.unref();
  (child.stdin as unknown as Socket).unref?.();
  return { release: () => child.stdin!.end() };
}
