/**
 * A module Web Worker that runs fast style transfer off the main thread. Start it with
 * `new Worker(new URL('@impasto/web/worker', import.meta.url), { type: 'module' })` (or your
 * bundler's equivalent) and talk to it with `FastStyleWorker` (worker-client.ts), or post
 * `WorkerRequest`s yourself.
 */
import { ImpastoError, getModel, getStyle, neuralStyleTransfer, type FeatureNet } from '@impasto/core';
import { configureWasm, webBackend } from './backend';
import { FastStyle } from './fast-style';
import { isOutOfMemory, loadNeuralStyleNet, outOfMemoryError, yieldToEventLoop } from './neural-style';
import { fetchSource } from './weights';
import type { WorkerNstOptions, WorkerRequest, WorkerResponse } from './worker-protocol';

// Typed by hand: the webworker lib cannot be loaded beside the DOM lib in one program.
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

let model: FastStyle | undefined;
/** Loss networks loaded for NST runs, by net, mirror and layers (weights read once per worker). */
const nets = new Map<string, Promise<FeatureNet>>();

function netFor(o: WorkerNstOptions, onFile: (path: string) => void, signal: AbortSignal): Promise<FeatureNet> {
  const name = o.net ?? 'squeezenet';
  const key = JSON.stringify([name, o.weightsBaseUrl ?? '', o.mode ?? 'transfer', o.contentLayers ?? null, o.styleLayers ?? null, o.pooling ?? 'max']);
  let p = nets.get(key);
  if (!p) {
    p = loadNeuralStyleNet(name, { ...o, onFile, signal });
    p.catch(() => nets.delete(key));
    nets.set(key, p);
  }
  return p;
}
const aborts = new Map<number, AbortController>();
/** Requests being handled, and those of them that were aborted. */
const inflight = new Set<number>();
const dropped = new Set<number>();

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

function fail(id: number, e: unknown): void {
  if (e instanceof ImpastoError) post({ type: 'error', id, code: e.code, message: e.message });
  else post({ type: 'error', id, code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
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
        const style = getStyle(req.style);
        const total = Object.keys(getModel(style.model).files).length;
        let done = 0;
        const source = fetchSource(style.model, {
          baseUrl: req.options.weightsBaseUrl,
          cache: req.options.cache,
          signal: ctl.signal,
          onFile: (path) => post({ type: 'progress', id: req.id, stage: 'weights', done: ++done, total, message: path }),
        });
        const next = await FastStyle.load(req.style, { ...req.options, source });
        if (ctl.signal.aborted || dropped.has(req.id)) {
          await next.dispose();
          throw new ImpastoError('ABORTED', `loading ${req.style} was aborted`);
        }
        await model?.dispose();
        model = next;
        post({ type: 'loaded', id: req.id, style: req.style, provider: next.provider });
      } finally {
        aborts.delete(req.id);
      }
      return;
    }
    case 'stylize': {
      if (!model) throw new ImpastoError('INVALID_ARGUMENT', 'no model loaded; send a load request first');
      post({ type: 'progress', id: req.id, stage: 'inference', done: 0, total: 1 });
      const out = await model.stylizeRaw(req.image);
      if (dropped.has(req.id)) throw new ImpastoError('ABORTED', 'stylize was aborted');
      post({ type: 'progress', id: req.id, stage: 'inference', done: 1, total: 1 });
      post({ type: 'result', id: req.id, image: out, inferenceMs: model.lastTimings?.inferenceMs ?? 0 }, [out.data.buffer as ArrayBuffer]);
      return;
    }
    case 'nst': {
      const ctl = new AbortController();
      aborts.set(req.id, ctl);
      const o = req.options;
      const shape = req.content ?? req.style;
      try {
        configureWasm(o);
        let files = 0;
        const net = await netFor(o, (path) => post({ type: 'progress', id: req.id, stage: 'weights', done: ++files, total: 0, message: path }), ctl.signal);
        post({ type: 'progress', id: req.id, stage: 'graph', done: 0, total: 1 });
        const run = neuralStyleTransfer(webBackend, net, { content: req.content, style: req.style }, { ...o, ep: o.ep ?? 'auto', signal: ctl.signal });
        for (;;) {
          const r = await run.next();
          if (r.done) {
            const out = r.value;
            post(
              { type: 'nst-result', id: req.id, image: out.image, loss: out.loss, iterations: out.iterations, provider: out.provider, msPerIteration: out.msPerIteration },
              [out.image.data.buffer as ArrayBuffer],
            );
            break;
          }
          const ev = r.value;
          if (ev.type === 'checkpoint') post({ type: 'nst-event', id: req.id, event: { type: 'checkpoint', iteration: ev.iteration, image: ev.image } }, [ev.image.data.buffer as ArrayBuffer]);
          else {
            post({ type: 'nst-event', id: req.id, event: ev });
            // Lets an 'abort' message in before the next iteration (core checks the signal there).
            await yieldToEventLoop();
          }
        }
      } catch (e) {
        if (isOutOfMemory(e) && shape) throw outOfMemoryError(e, shape.width, shape.height, o.net ?? 'squeezenet');
        throw e;
      } finally {
        aborts.delete(req.id);
      }
      return;
    }
    case 'dispose': {
      await model?.dispose();
      model = undefined;
      post({ type: 'disposed', id: req.id });
      return;
    }
  }
}

scope.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  if (req.type !== 'abort') inflight.add(req.id);
  handle(req)
    .catch((e) => fail(req.id, e))
    .finally(() => {
      inflight.delete(req.id);
      dropped.delete(req.id);
    });
};
