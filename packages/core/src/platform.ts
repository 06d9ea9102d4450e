// The few globals core needs that every JavaScript runtime we target (Node 20+, browsers, workers)
// provides. Core is compiled without DOM or Node typings, so they are typed here, once.
interface Globals {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new () => { decode(b: Uint8Array): string };
  crypto: { subtle: { digest(alg: string, data: Uint8Array): Promise<ArrayBuffer> } };
  performance: { now(): number };
  setInterval(f: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}

const g = globalThis as unknown as Globals;
const encoder = new g.TextEncoder();
const decoder = new g.TextDecoder();

/** UTF-8 encode. */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 decode. */
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}

/** SHA-256 digest through WebCrypto. */
export function sha256Digest(b: Uint8Array): Promise<ArrayBuffer> {
  return g.crypto.subtle.digest('SHA-256', b);
}

/** A monotonic clock in milliseconds. */
export function now(): number {
  return g.performance.now();
}

/** Calls `f` every `ms` milliseconds until the returned function is called. */
export function every(ms: number, f: () => void): () => void {
  const id = g.setInterval(f, ms);
  return () => g.clearInterval(id);
}
