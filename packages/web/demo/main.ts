import * as ort from 'onnxruntime-web';
import {
  FastStyle,
  FastStyleWorker,
  ImpastoError,
  listStyles,
  readImage,
  toImageData,
  type ExecutionProvider,
  type WorkerProgress,
} from '../src/index';

// Query parameters: ?weights=<url prefix>&ort=<url prefix of onnxruntime-web's dist>&cache=0&worker=1
const params = new URLSearchParams(location.search);
const weightsBaseUrl = params.get('weights') ?? new URL('weights/', location.href).href;
const wasmPaths = params.get('ort') ?? new URL('ort/', location.href).href;
const cache = params.get('cache') !== '0';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const styleSel = $<HTMLSelectElement>('style');
const epSel = $<HTMLSelectElement>('ep');
const photo = $<HTMLInputElement>('photo');
const maxSize = $<HTMLInputElement>('max-size');
const useWorker = $<HTMLInputElement>('use-worker');
const runBtn = $<HTMLButtonElement>('run');
const abortBtn = $<HTMLButtonElement>('abort');
const status = $<HTMLParagraphElement>('status');
const progress = $<HTMLProgressElement>('progress');

useWorker.checked = params.get('worker') === '1';
for (const s of listStyles()) styleSel.add(new Option(`${s.id} — ${s.title}`, s.id, s.id === 'wave', s.id === 'wave'));
$('licence').textContent = `Style networks: ${listStyles()[0]!.licence}. Threads need a cross-origin isolated page: ${self.crossOriginIsolated ? 'yes' : 'no'}.`;

function setStatus(state: 'idle' | 'loading' | 'running' | 'done' | 'error' | 'aborted', text: string) {
  status.dataset.state = state;
  document.body.dataset.state = state;
  status.textContent = text;
}

function showProgress(p: WorkerProgress) {
  progress.max = p.total;
  progress.value = p.done;
  $('progress-text').textContent = `${p.stage} ${p.done}/${p.total}${p.message ? ` (${p.message})` : ''}`;
}

// Main-thread models, one per style and provider.
const loaded = new Map<string, Promise<FastStyle>>();
function loadHere(style: string, ep: ExecutionProvider): Promise<FastStyle> {
  const key = `${style}/${ep}`;
  let p = loaded.get(key);
  if (!p) {
    p = FastStyle.load(style, { ep, weightsBaseUrl, wasmPaths, cache });
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}

// The worker holds one model at a time.
let worker: FastStyleWorker | undefined;
let workerModel = '';

function draw(canvas: HTMLCanvasElement, img: ImageData) {
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

let current: AbortController | undefined;

async function run() {
  const file = photo.files?.[0];
  if (!file) return;
  current?.abort();
  const ctl = new AbortController();
  current = ctl;
  runBtn.disabled = true;
  abortBtn.disabled = false;
  const style = styleSel.value;
  const ep = epSel.value as ExecutionProvider;
  try {
    const input = await readImage(file, { maxSize: Number(maxSize.value) || undefined });
    draw($('input'), toImageData(input));
    setStatus('loading', `Loading ${style}…`);
    const t0 = performance.now();
    let out: ImageData;
    let provider: string;
    let inferenceMs: number;
    if (useWorker.checked) {
      worker ??= new FastStyleWorker(new Worker(new URL('../src/worker.ts', import.meta.url), { type: 'module', name: 'impasto' }));
      if (workerModel !== `${style}/${ep}`) {
        workerModel = '';
        await worker.load(style, { ep, weightsBaseUrl, wasmPaths, cache }, { signal: ctl.signal, onProgress: showProgress });
        workerModel = `${style}/${ep}`;
      }
      $('load-time').textContent = `${(performance.now() - t0).toFixed(0)} ms`;
      setStatus('running', `Stylizing ${input.width}x${input.height} with ${style} on ${worker.provider} in a worker…`);
      out = toImageData(await worker.stylizeRaw(input, { signal: ctl.signal, onProgress: showProgress }));
      provider = worker.provider!;
      inferenceMs = worker.lastInferenceMs!;
      $('threads').textContent = 'in worker';
    } else {
      const fst = await loadHere(style, ep);
      $('load-time').textContent = `${(performance.now() - t0).toFixed(0)} ms`;
      setStatus('running', `Stylizing ${input.width}x${input.height} with ${style} on ${fst.provider}…`);
      out = await fst.stylize(input);
      if (ctl.signal.aborted) throw new ImpastoError('ABORTED', 'aborted');
      provider = fst.provider;
      inferenceMs = fst.lastTimings!.inferenceMs;
      $('threads').textContent = String(ort.env.wasm.numThreads ?? '?');
    }
    draw($('result'), out);
    $('provider').textContent = provider;
    $('time').textContent = `${inferenceMs.toFixed(0)} ms`;
    $('where').textContent = useWorker.checked ? 'worker' : 'main thread';
    const info = listStyles().find((s) => s.id === style)!;
    setStatus('done', `Done: ${info.title} (${info.artist}).`);
  } catch (e) {
    if (e instanceof ImpastoError && e.code === 'ABORTED') {
      if (current === ctl) setStatus('aborted', 'Aborted.');
      return;
    }
    const msg = e instanceof ImpastoError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    setStatus('error', msg);
    console.error(e);
  } finally {
    if (current === ctl) {
      runBtn.disabled = !photo.files?.length;
      abortBtn.disabled = true;
    }
  }
}

photo.addEventListener('change', () => {
  runBtn.disabled = !photo.files?.length;
  void run();
});
runBtn.addEventListener('click', () => void run());
abortBtn.addEventListener('click', () => current?.abort());
for (const el of [styleSel, epSel, useWorker]) el.addEventListener('change', () => void run());
