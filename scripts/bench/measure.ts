import { readFileSync } from 'node:fs';
import type { RawImage } from '@impasto/core/platform';
/** Median of `reps` timed calls after `warmup` untimed ones, in milliseconds. */
export async function medianMs(fn: () => Promise<unknown>, reps: number, warmup = 1): Promise<{ median: number; runs: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2, runs };
}

/**
 * Current and peak (VmHWM) resident set size of this process in MiB, from /proc. Not getrusage:
 * its maxRSS carries the parent's RSS across the spawn and cannot be reset.
 */
export function rss(): { now: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
  return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return rss().peak;
}

/** Random RGB pixels from a seeded generator (mulberry32): the same image on every run, no files. */
export function noiseImage(w: number, h: number, seed: number): RawImage {
  const data = new Uint8Array(w * h * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return { data, width: w, height: h, channels: 3 };
}
