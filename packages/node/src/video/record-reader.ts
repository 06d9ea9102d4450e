import type { Readable } from 'node:stream';

/**
 * Reads a stream in fixed-size records (raw frames). The stream is paused while `highWater`
 * bytes wait unread, which is what keeps a long video's memory flat. (Paused-mode `read(n)`
 * was tried first: on a child's pipe it stalls at its 64 KiB buffer for records larger than that.)
 */
export class RecordReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: Readable,
    private readonly highWater: number,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= this.highWater) stream.pause();
      this.notify();
    });
    const end = () => {
      this.ended = true;
      this.notify();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  /** The next `n` bytes, `undefined` at a clean end, or the length of a short tail (`partial`). */
  async read(n: number): Promise<Buffer | { partial: number } | undefined> {
    while (this.buffered < n && !this.ended) await new Promise<void>((r) => (this.wake = r));
    if (this.buffered < n) return this.buffered ? { partial: this.buffered } : undefined;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0]!;
      const take = Math.min(head.length, n - filled);
      head.copy(out, filled, 0, take);
      filled += take;
      if (take === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(take);
    }
    this.buffered -= n;
    if (this.buffered < this.highWater) this.stream.resume();
    return out;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
