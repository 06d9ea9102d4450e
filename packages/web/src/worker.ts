import type { StyleName } from '@impasto/core/platform';
/**
 * A module Web Worker that runs fast style transfer and NST off the main thread. Start it with
 * `new Worker(new URL('@impasto/web/worker', import.meta.url), { type: 'module' })` (or your
 * bundler's equivalent) and talk to it with `FastStyleWorker` (worker-client.ts), or post
 * `WorkerRequest`s yourself.
 */
import { EnginePool, ImpastoError, type RawImage, type WeightedStyle, checkRawImage, describeValue, neuralStyleKey, getModel, getStyle, isImpastoError, splitNstOptions } from '@impasto/core/platform';
import { FastStyle } from './fast-style';
import { NeuralStyle } from './neural-style';
import { configureWasm } from './platform/backend';
import { webPlatform } from './platform';
import { ModelStore } from './platform/cache-store';
import { wasmThreads } from './platform/threads';
import { farnebackFlow } from './platform/optical-flow';
import { resolveWebVideoOptions, runBlobVideo } from './video';
import type { WorkerRequest, WorkerResponse, WorkerSetup } from './worker-protocol';

// Typed by hand: the webworker lib cannot be loaded beside the DOM lib in one program.
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<unknown>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

let model: FastStyle | undefined;
/** NST engines by their resolved options and where their weights come from: built once per worker, loads of one shared. */
let engines = new EnginePool({ maxIdle: 2 });
const aborts = new Map<number, AbortController>();
/** Requests being handled, and those of them that were aborted. */
const inflight = new Set<number>();
const dropped = new Set<number>();

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

function fail(id: number, e: unknown): void {
  if (isImpastoError(e)) post({ type: 'error', id, code: e.code, message: e.message });
  else post({ type: 'error', id, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
}

function setUp(setup: WorkerSetup): ModelStore {
  if (setup.wasm) configureWasm(setup.wasm);
  return new ModelStore(setup.store);
}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.type) {
    case 'abort': {
      aborts.get(req.target)?.abort();
      if (inflight.has(req.target)) dropped.add(req.target);
      return;
    }
    case 'load': {
      const ctl = new AbortController();
      aborts.set(req.id, ctl);
      try {
        const total = Object.keys(getModel(getStyle(req.style).model).files).length;
        let done = 0;
        const next = await FastStyle.load(req.style as StyleName, req.options, {
          store: setUp(req.setup),
          signal: ctl.signal,
          onFile: (file) => post({ type: 'progress', id: req.id, stage: 'weights', done: ++done, total, message: file }),
        });
        if (ctl.signal.aborted || dropped.has(req.id)) {
          await next.dispose();
          throw new ImpastoError('ABORTED', `loading ${req.style} was aborted`);
        }
        await model?.dispose();
        model = next;
        post({ type: 'loaded', id: req.id, style: req.style, provider: next.provider, threads: wasmThreads() ?? 1 });
      } finally {
        aborts.delete(req.id);
      }
      return;
    }
    case 'stylize': {
      checkRawImage(req.image);
      if (!model) throw new ImpastoError('INVALID_ARGUMENT', 'no model loaded; send a load request first');
      post({ type: 'progress', id: req.id, stage: 'inference', done: 0, total: 1 });
      const { image: out, inferenceMs } = await model.stylizeWithInfo(req.image, req.options, {
        signal: { get aborted() { return dropped.has(req.id); } },
        onProgress: (p) => post({ type: 'progress', id: req.id, stage: 'inference', done: (p.pass - 1) * p.tiles + p.tile, total: p.passes * p.tiles, message: `tile pass ${p.pass}/${p.passes}` }),
      });
      if (dropped.has(req.id)) throw new ImpastoError('ABORTED', 'stylize was aborted');
      post({ type: 'progress', id: req.id, stage: 'inference', done: 1, total: 1 });
      post({ type: 'result', id: req.id, image: out, inferenceMs }, [out.data.buffer as ArrayBuffer]);
      return;
    }
    case 'nst': {
      const ctl = new AbortController();
      aborts.set(req.id, ctl);
      try {
        const split = splitNstOptions(req.options);
        // Masks need the style loss per region (another engine).
        const load = req.contentMask ? { ...split.load, regions: true } : split.load;
        const run = split.run;
        // The same options from another weights URL are another engine.
        const key = `${await neuralStyleKey(webPlatform, load)} ${JSON.stringify(req.setup ?? {})}`;
        let files = 0;
        const open = () => {
          const progress = (file: string) => post({ type: 'progress', id: req.id, stage: 'weights', done: ++files, total: 0, message: file });
          return NeuralStyle.load(load, { store: setUp(req.setup), signal: ctl.signal, onFile: progress });
        };
        await engines.use(key, open, async (engine) => {
          const r = engine.run({ content: req.content, style: req.style as readonly WeightedStyle<never>[] | RawImage | undefined, contentMask: req.contentMask, styleMask: req.styleMask }, run, { signal: ctl.signal });
          for await (const ev of r.events) {
            post({ type: 'nst-event', id: req.id, event: ev }, ev.type === 'checkpoint' ? [ev.image.data.buffer as ArrayBuffer] : []);
          }
          const result = await r.result;
          post({ type: 'nst-result', id: req.id, result }, [result.image.data.buffer as ArrayBuffer]);
        });
      } finally {
        aborts.delete(req.id);
      }
      return;
    }
    case 'video': {
      const engine = model;
      if (!engine) throw new ImpastoError('INVALID_ARGUMENT', 'no model loaded; send a load request first');
      const ctl = new AbortController();
      aborts.set(req.id, ctl);
      try {
        const stylize = req.stylize ?? {};
        const run = runBlobVideo(req.input, (frame) => engine.stylize(frame, stylize), resolveWebVideoOptions(req.options), { signal: ctl.signal, previewEvery: req.previewEvery, estimator: farnebackFlow() });
        for await (const ev of run.events) {
          // The stabilizer keeps the frame it wrote for the next one: send a copy, not its buffer.
          const preview = ev.preview && { ...ev.preview, data: ev.preview.data.slice() };
          post({ type: 'video-event', id: req.id, event: { ...ev, preview } }, preview ? [preview.data.buffer as ArrayBuffer] : []);
        }
        post({ type: 'video-result', id: req.id, result: await run.result });
      } finally {
        aborts.delete(req.id);
      }
      return;
    }
    case 'dispose': {
      await model?.dispose();
      model = undefined;
      await engines.dispose();
      engines = new EnginePool({ maxIdle: 2 });
      post({ type: 'disposed', id: req.id });
      return;
    }
  }
}

const REQUEST_TYPES: readonly WorkerRequest['type'][] = ['load', 'stylize', 'nst', 'video', 'abort', 'dispose'];

/** What is wrong with a message that is not a `WorkerRequest` (undefined when it is one in shape). */
function malformed(msg: unknown): string | undefined {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return `the worker takes { type, id, … } objects, not ${describeValue(msg)}`;
  const { type, id } = msg as { type?: unknown; id?: unknown };
  const what = typeof type === 'string' ? `a '${type.slice(0, 40)}' message` : 'a message';
  if (typeof type !== 'string' || !(REQUEST_TYPES as readonly string[]).includes(type)) {
    return `${what} is not one the worker takes (type ${describeValue(type)}); it takes ${REQUEST_TYPES.join(', ')}`;
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return `${what} needs a numeric id, not ${describeValue(id)}`;
  if (type === 'abort' && typeof (msg as { target?: unknown }).target !== 'number') return `an 'abort' message needs the numeric id of its target`;
  return undefined;
}

// Every message is answered: a malformed one with an error naming what was wrong (its id when it
// has a usable one), so a client never waits on a message the worker could not read.
scope.onmessage = (ev: MessageEvent<unknown>) => {
  const msg = ev.data;
  const problem = malformed(msg);
  if (problem) {
    const id = (msg as { id?: unknown } | null)?.id;
    post({ type: 'error', id: typeof id === 'number' && Number.isSafeInteger(id) ? id : null, code: 'INVALID_ARGUMENT', message: problem });
    return;
  }
  const req = msg as WorkerRequest;
  if (req.type !== 'abort') inflight.add(req.id);
  handle(req)
    .catch((e) => fail(req.id, e))
    .finally(() => {
      inflight.delete(req.id);
      dropped.delete(req.id);
    });
};
