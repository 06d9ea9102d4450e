import type { GradBuilder } from './builder';
import type { Amount } from './border';

/**
 * The entries of a 1-D int64 `pads` value of length `count`: numbers where they are known before
 * run time, else run-time slices of it. Besides constants this sees through a Concat of constants
 * with one computed part (the fast-style graph pads only H and W, by amounts computed from the
 * image size), so axes whose padding is statically zero cost nothing.
 */
export function padAmounts(b: GradBuilder, pads: string, count: number): Amount[] {
  const entry = (i: number): Amount => b.op('Slice', [pads, b.ints([i]), b.ints([i + 1]), b.ints([0])], {}, 'pad_amount');
  const known = b.info.ints(pads);
  if (known) return known;
  const all = () => Array.from({ length: count }, (_, i) => entry(i));
  const producer = b.g.producer(pads);
  if (producer?.opType !== 'Concat') return all();
  const parts = producer.inputs.map((v) => b.info.ints(v));
  const unknown = parts.filter((p) => p === undefined).length;
  if (unknown > 1) return all();
  const rest = count - parts.reduce((n, p) => n + (p?.length ?? 0), 0);
  if (rest < 0 || (unknown === 0 && rest !== 0)) return all(); // malformed; let the runtime report it
  const out: Amount[] = [];
  for (const p of parts) {
    if (p) out.push(...p);
    else for (let k = 0; k < rest; k++) out.push(entry(out.length));
  }
  return out;
}
