/**
 * Where onnxruntime-web's wasm time goes: every session the page creates gets ORT's own profiler
 * (`enableProfiling`), whose Chrome-trace events the wasm build prints line by line on the console
 * at `endProfiling()` (it has no file system to write them to). The lines are caught, each run's
 * node events summed per op type.
 */
import * as ort from 'onnxruntime-web';

export interface OpTime { op: string; ms: number; count: number }

interface TraceEvent { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string } }

/** Per op type in one run, slowest first. */
function perOp(nodes: TraceEvent[]): OpTime[] {
  const by = new Map<string, OpTime>();
  for (const e of nodes) {
    const op = e.args?.op_name ?? e.name;
    const t = by.get(op) ?? { op, ms: 0, count: 0 };
    t.ms += e.dur / 1000;
    t.count++;
    by.set(op, t);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * Call before the first session: ORT's wasm module binds `console.log` when it starts, so the
 * catching wrapper must be in place by then. `summarise()` ends profiling and gives every run's
 * op types, in the order the runs were made.
 */
export function captureProfile(): { summarise(): OpTime[][] } {
  const sessions: ort.InferenceSession[] = [];
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (...a: unknown[]) => Promise<ort.InferenceSession>;
  (ort.InferenceSession as unknown as { create: unknown }).create = async (model: unknown, options: ort.InferenceSession.SessionOptions = {}) => {
    const s = await create(model, { ...options, enableProfiling: true });
    sessions.push(s);
    return s;
  };
  const lines: string[] = [];
  let catching = false;
  const log = console.log.bind(console);
  console.log = (...a: unknown[]) => {
    if (catching && typeof a[0] === 'string') lines.push(a[0]);
    else log(...a);
  };
  return {
    summarise() {
      catching = true;
      try {
        for (const s of sessions) s.endProfiling();
      } finally {
        catching = false;
      }
      const events = lines.flatMap((l) => {
        const t = l.trim().replace(/,$/, '');
        if (!t.startsWith('{')) return [];
        try {
          return [JSON.parse(t) as TraceEvent];
        } catch {
          return [];
        }
      });
      const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
      // A run is a `model_run` event; its nodes lie inside it.
      return events
        .filter((e) => e.cat === 'Session' && e.name === 'model_run')
        .sort((a, b) => a.ts - b.ts)
        .map((run) => perOp(nodes.filter((e) => e.ts >= run.ts && e.ts + e.dur <= run.ts + run.dur)));
    },
  };
}
