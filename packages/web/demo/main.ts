import { type StyleName, getModel } from '@impasto/core/platform';
import {
  ArbitraryStyle,
  FastStyle,
  FastStyleWorker,
  ImpastoError,
  ModelStore,
  NST_PRESETS,
  NeuralStyle,
  configureWasm,
  decodeImage,
  listStyles,
  neuralStyle,
  recolor,
  stylizeVideo,
  toImageData,
  wasmThreads,
  type ExecutionProvider,
  type RawImage,
  type WebVideoResult,
  type WorkerProgress,
} from '../src/index';

// Query parameters: ?weights=<url prefix>&ort=<url prefix of onnxruntime-web's dist>&cache=0&worker=0
const params = new URLSearchParams(location.search);
const weightsBaseUrl = params.get('weights') ?? new URL('weights/', location.href).href;
const wasmPaths = params.get('ort') ?? new URL('ort/', location.href).href;
const cache = params.get('cache') !== '0';
configureWasm({ wasmPaths });
const store = new ModelStore({ weightsBaseUrl, cache });
/**
 * What the worker is told: the same store and wasm settings, as plain data. Its wasm threads leave
 * one core to the page (every core but one, up to 4): with all of them busy, the page's own tasks
 * wait for a core and the tab stutters while the photo is stylized.
 */
const workerThreads = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
const setup = { store: { weightsBaseUrl, cache }, wasm: { wasmPaths, numThreads: workerThreads } };

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

// Off the main thread unless asked (?worker=0): a run there freezes the tab for seconds.
useWorker.checked = params.get('worker') !== '0';
for (const s of listStyles()) styleSel.add(new Option(`${s.id} — ${s.title}`, s.id, s.id === 'wave', s.id === 'wave'));
$('licence').textContent = `Style networks: ${listStyles()[0]!.licence}. Threads need a cross-origin isolated page: ${self.crossOriginIsolated ? 'yes' : 'no'}.`;

function setStatus(state: 'idle' | 'loading' | 'running' | 'done' | 'error' | 'aborted', text: string) {
  status.dataset.state = state;
  document.body.dataset.state = state;
  status.textContent = text;
}

function showProgress(p: { stage: string; done: number; total: number; message?: string }) {
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
    p = FastStyle.load(style as StyleName, { ep }, { store });
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}

// The worker holds one model at a time.
let worker: FastStyleWorker | undefined;
let workerModel = '';

function draw(canvas: HTMLCanvasElement, raw: RawImage) {
  const img = toImageData(raw);
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

let current: AbortController | undefined;

/** A number input's value, or undefined when empty. */
const optionalNumber = (id: string) => {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' ? undefined : Number(v);
};
const choice = <T extends string>(id: string) => $<HTMLSelectElement>(id).value as T;

function fstOptions() {
  return { preserveColors: choice<'none' | 'luminance'>('fst-colors'), tile: optionalNumber('fst-tile') };
}

/** Cancels the tab's current run (a stylization or the gallery's previews) and starts tracking a new one. */
function takeOver(): AbortController {
  current?.abort();
  const ctl = new AbortController();
  current = ctl;
  abortBtn.disabled = false;
  return ctl;
}

/** The tab's worker, started on first use. */
const fstWorker = () => (worker ??= new FastStyleWorker(new Worker(new URL('../src/worker.ts', import.meta.url), { type: 'module', name: 'impasto' }), setup));

async function run() {
  const file = photo.files?.[0];
  if (!file) return;
  const ctl = takeOver();
  runBtn.disabled = true;
  const style = styleSel.value;
  const ep = epSel.value as ExecutionProvider;
  try {
    const input = await decodeImage(file, { maxSize: Number(maxSize.value) || undefined });
    draw($('input'), input);
    setStatus('loading', `Loading ${style}…`);
    const t0 = performance.now();
    let out: RawImage;
    let provider: string;
    let inferenceMs: number;
    if (useWorker.checked) {
      const w = fstWorker();
      if (workerModel !== `${style}/${ep}`) {
        workerModel = '';
        await w.load(style, { ep }, { signal: ctl.signal, onProgress: showProgress });
        workerModel = `${style}/${ep}`;
      }
      $('load-time').textContent = `${(performance.now() - t0).toFixed(0)} ms`;
      setStatus('running', `Stylizing ${input.width}x${input.height} with ${style} on ${w.provider} in a worker…`);
      out = await w.stylize(input, fstOptions(), { signal: ctl.signal, onProgress: showProgress });
      provider = w.provider!;
      inferenceMs = w.lastInferenceMs!;
      $('threads').textContent = String(w.threads ?? '?');
    } else {
      const fst = await loadHere(style, ep);
      $('load-time').textContent = `${(performance.now() - t0).toFixed(0)} ms`;
      setStatus('running', `Stylizing ${input.width}x${input.height} with ${style} on ${fst.provider}…`);
      const r = await fst.stylizeWithInfo(input, fstOptions(), {
        signal: ctl.signal,
        onProgress: (p) => setStatus('running', `Stylizing in tiles: pass ${p.pass} of ${p.passes}, tile ${p.tile} of ${p.tiles}…`),
      });
      if (ctl.signal.aborted) throw new ImpastoError('ABORTED', 'aborted');
      out = r.image;
      provider = fst.provider;
      inferenceMs = r.inferenceMs;
      $('threads').textContent = String(wasmThreads() ?? '?');
    }
    draw($('result'), out);
    thumbnail(style, $('result'));
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
  previewAllBtn.disabled = !photo.files?.length;
  void run();
});
runBtn.addEventListener('click', () => void run());
abortBtn.addEventListener('click', () => current?.abort());
for (const el of [styleSel, epSel, useWorker]) el.addEventListener('change', () => void run());

// Before / after: the stylized canvas lies on the photo's, cut at the slider.
const compare = $<HTMLInputElement>('compare');
compare.addEventListener('input', () => ($('result').style.clipPath = `inset(0 0 0 ${compare.value}%)`));

// The style gallery: one card per style, its thumbnail the photo in that style once it has been made.
const cards = new Map<string, { button: HTMLButtonElement; canvas: HTMLCanvasElement }>();
for (const s of listStyles()) {
  const button = document.createElement('button');
  button.type = 'button';
  button.title = `${s.title} (${s.artist})`;
  const canvas = document.createElement('canvas');
  canvas.width = 100;
  canvas.height = 75;
  const name = document.createElement('span');
  name.textContent = s.title;
  button.append(canvas, name);
  button.addEventListener('click', () => {
    styleSel.value = s.id;
    styleSel.dispatchEvent(new Event('change'));
  });
  $('gallery').append(button);
  cards.set(s.id, { button, canvas });
}
function markSelected() {
  for (const [id, c] of cards) c.button.setAttribute('aria-pressed', String(id === styleSel.value));
}
styleSel.addEventListener('change', markSelected);
markSelected();

/** Draws `from` into the style's card, cropped to the card's shape. */
function thumbnail(style: string, from: HTMLCanvasElement) {
  const c = cards.get(style)?.canvas;
  if (!c || !from.width) return;
  const scale = Math.max(c.width / from.width, c.height / from.height);
  const w = c.width / scale;
  const h = c.height / scale;
  c.getContext('2d')!.drawImage(from, (from.width - w) / 2, (from.height - h) / 2, w, h, 0, 0, c.width, c.height);
}

/** Every style on a small copy of the photo, one after another in the worker; Cancel stops it. */
const previewAllBtn = $<HTMLButtonElement>('preview-all');
previewAllBtn.addEventListener('click', async () => {
  const file = photo.files?.[0];
  if (!file) return;
  const ctl = takeOver();
  previewAllBtn.disabled = true;
  const scratch = document.createElement('canvas');
  try {
    const small = await decodeImage(file, { maxSize: 160 });
    const w = fstWorker();
    const styles = listStyles();
    for (const [i, s] of styles.entries()) {
      setStatus('running', `Previewing every style: ${s.title} (${i + 1} of ${styles.length})…`);
      showProgress({ stage: 'preview', done: i, total: styles.length });
      workerModel = '';
      await w.load(s.id, { ep: 'wasm' }, { signal: ctl.signal });
      workerModel = `${s.id}/wasm`;
      draw(scratch, await w.stylize(small, {}, { signal: ctl.signal }));
      thumbnail(s.id, scratch);
    }
    showProgress({ stage: 'preview', done: styles.length, total: styles.length });
    setStatus('done', 'Every style previewed: pick one in the gallery.');
  } catch (e) {
    if (e instanceof ImpastoError && e.code === 'ABORTED') setStatus('aborted', 'Cancelled.');
    else setStatus('error', e instanceof ImpastoError ? `${e.code}: ${e.message}` : String(e));
  } finally {
    if (current === ctl) {
      abortBtn.disabled = true;
      previewAllBtn.disabled = !photo.files?.length;
    }
  }
});

// Drag and drop: a file dropped anywhere goes to the open tab's first empty file input (else its first).
document.addEventListener('dragover', (e) => {
  e.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', (e) => {
  if (!e.relatedTarget) document.body.classList.remove('dragging');
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const files = e.dataTransfer?.files;
  const panel = document.querySelector<HTMLElement>('section[role="tabpanel"]:not([hidden])');
  if (!files?.length || !panel) return;
  const inputs = [...panel.querySelectorAll<HTMLInputElement>('input[type="file"]')];
  const target = inputs.find((i) => !i.files?.length) ?? inputs[0];
  if (!target) return;
  target.files = files;
  target.dispatchEvent(new Event('change'));
});

// ---- NST (optimisation-based neural style transfer), always in a worker so the page stays responsive ----

const TABS = ['fst', 'nst', 'ast', 'video'] as const;
type Tab = (typeof TABS)[number];
function showTab(which: Tab) {
  for (const k of TABS) {
    $(`tab-${k}`).setAttribute('aria-selected', String(k === which));
    $(`${k}-panel`).hidden = k !== which;
  }
}
for (const k of TABS) $(`tab-${k}`).addEventListener('click', () => showTab(k));
const tabParam = params.get('tab');
if (tabParam && (TABS as readonly string[]).includes(tabParam)) showTab(tabParam as Tab);

const nst = {
  content: $<HTMLInputElement>('nst-content'),
  style: $<HTMLInputElement>('nst-style'),
  net: $<HTMLSelectElement>('nst-net'),
  ep: $<HTMLSelectElement>('nst-ep'),
  size: $<HTMLInputElement>('nst-size'),
  iterations: $<HTMLInputElement>('nst-iterations'),
  styleWeight: $<HTMLInputElement>('nst-style-weight'),
  every: $<HTMLInputElement>('nst-every'),
  run: $<HTMLButtonElement>('nst-run'),
  cancel: $<HTMLButtonElement>('nst-cancel'),
  status: $<HTMLParagraphElement>('nst-status'),
  progress: $<HTMLProgressElement>('nst-progress'),
};

/** What the page saw of the current run (read by the browser test). */
const nstState = { losses: [] as number[], checkpoints: 0, lastIteration: 0, provider: '' };
(globalThis as { impastoNst?: typeof nstState }).impastoNst = nstState;

function setNstStatus(state: 'idle' | 'loading' | 'running' | 'done' | 'error' | 'aborted', text: string) {
  nst.status.dataset.state = state;
  document.body.dataset.nstState = state;
  nst.status.textContent = text;
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

let nstWorker: FastStyleWorker | undefined;
let nstCurrent: AbortController | undefined;

async function showInput(file: File | undefined, canvasId: string, size: number) {
  if (!file) return;
  draw($(canvasId), await decodeImage(file, { maxSize: size }));
}

function updateNstButtons() {
  nst.run.disabled = !(nst.content.files?.length && nst.style.files?.length) || !!nstCurrent;
  $<HTMLButtonElement>('nst-recolor').disabled = !(nst.content.files?.length && nst.style.files?.length);
}

/** The colour-only photo transfer, on the page: well under a second at the run's size. */
async function previewColors() {
  const [content, style] = [nst.content.files?.[0], nst.style.files?.[0]];
  if (!content || !style) return;
  const [contentMask, styleMask] = [$<HTMLInputElement>('nst-content-mask').files?.[0], $<HTMLInputElement>('nst-style-mask').files?.[0]];
  try {
    const r = await recolor({ content, style, contentMask, styleMask }, { size: Number(nst.size.value) || 256 });
    draw($('nst-preview'), r.image);
    $('nst-preview-caption').textContent = `Colours only${r.regions ? ` (${r.regions.length} regions)` : ''}: the photo preset's start`;
    setNstStatus('done', 'Colours transferred; Run with the photo preset to add the style photo\'s look.');
  } catch (e) {
    setNstStatus('error', e instanceof ImpastoError ? `${e.code}: ${e.message}` : String(e));
  }
}

async function runNst() {
  const content = nst.content.files?.[0];
  const style = nst.style.files?.[0];
  if (!content || !style) return;
  nstCurrent?.abort();
  const ctl = new AbortController();
  nstCurrent = ctl;
  nst.run.disabled = true;
  nst.cancel.disabled = false;
  const size = Number(nst.size.value) || 256;
  const iterations = Math.max(1, Number(nst.iterations.value) || 100);
  const net = nst.net.value as 'squeezenet' | 'vgg19';
  const ep = nst.ep.value as ExecutionProvider;
  Object.assign(nstState, { losses: [], checkpoints: 0, lastIteration: 0, provider: '' });
  nst.progress.max = iterations;
  nst.progress.value = 0;
  for (const id of ['nst-iter', 'nst-loss', 'nst-provider', 'nst-ms', 'nst-eta', 'nst-time']) $(id).textContent = '–';
  $('nst-terms').textContent = '';
  const t0 = performance.now();
  try {
    await showInput(content, 'nst-content-view', size);
    await showInput(style, 'nst-style-view', size);
    setNstStatus('loading', `Loading ${net}…`);
    nstWorker ??= new FastStyleWorker(new Worker(new URL('../src/worker.ts', import.meta.url), { type: 'module', name: 'impasto-nst' }), setup);
    const second = $<HTMLInputElement>('nst-style2').files?.[0];
    const blend = Number($<HTMLInputElement>('nst-blend').value);
    const preset = choice<'' | 'seed' | 'photo'>('nst-preset');
    const [contentMask, styleMask] = [$<HTMLInputElement>('nst-content-mask').files?.[0], $<HTMLInputElement>('nst-style-mask').files?.[0]];
    const run = nstWorker.neuralStyle(
      { content, style: second ? [{ style, weight: 1 - blend }, { style: second, weight: blend }] : style, contentMask, styleMask },
      {
        ...(preset ? NST_PRESETS[preset] : {}),
        size,
        net,
        ep,
        iterations,
        styleWeight: preset ? NST_PRESETS[preset].styleWeight : Number(nst.styleWeight.value),
        checkpointEvery: Math.max(1, Number(nst.every.value) || 5),
        preserveColors: choice<'none' | 'luminance' | 'histogram'>('nst-colors'),
        startSize: optionalNumber('nst-start'),
        styleScale: optionalNumber('nst-style-scale'),
        tile: optionalNumber('nst-tile'),
      },
      {
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.stage === 'weights') setNstStatus('loading', `Loading ${net}: ${p.message ?? ''} (${p.done} files)`);
        },
      },
    );
    for await (const e of run.events) {
        if (ctl.signal.aborted) break;
        if (e.type === 'checkpoint') {
          nstState.checkpoints++;
          draw($('nst-preview'), e.image);
          $('nst-preview-caption').textContent = `Checkpoint at iteration ${e.iteration}`;
          continue;
        }
        nstState.losses.push(e.loss);
        nstState.lastIteration = e.iteration;
        nst.progress.value = e.iteration;
        $('nst-iter').textContent = `${e.iteration}/${e.iterations}`;
        $('nst-loss').textContent = e.loss.toExponential(3);
        const t = e.terms;
        $('nst-terms').textContent = `(content ${t.content?.toExponential(2) ?? '–'}, style ${t.style?.toExponential(2) ?? '–'}, tv ${t.tv?.toExponential(2) ?? '–'}${t.photorealism ? `, photorealism ${t.photorealism.toExponential(2)}` : ''})`;
        $('nst-ms').textContent = e.msPerIteration.toFixed(0);
        $('nst-eta').textContent = fmtMs(e.etaMs);
        setNstStatus('running', `Optimising ${net} at size ${size}: iteration ${e.iteration} of ${e.iterations}…`);
    }
    const result = await run.result;
    draw($('nst-preview'), result.image);
    $('nst-preview-caption').textContent = `Result after ${result.iterations} iterations`;
    nstState.provider = result.provider;
    $('nst-provider').textContent = result.provider;
    $('nst-ms').textContent = result.msPerIteration.toFixed(0);
    $('nst-eta').textContent = '0 ms';
    $('nst-time').textContent = fmtMs(performance.now() - t0);
    setNstStatus('done', `Done: ${result.iterations} iterations with ${net} on ${result.provider}, loss ${result.loss.toExponential(3)}.`);
  } catch (e) {
    if (e instanceof ImpastoError && e.code === 'ABORTED') {
      if (nstCurrent === ctl) setNstStatus('aborted', `Cancelled after ${nstState.lastIteration} iterations.`);
      return;
    }
    const msg = e instanceof ImpastoError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    setNstStatus('error', msg);
    console.error(e);
  } finally {
    if (nstCurrent === ctl) {
      nstCurrent = undefined;
      nst.cancel.disabled = true;
      updateNstButtons();
    }
  }
}

// A file is decoded as soon as it is chosen, so one that is not an image says so then, not at Run.
for (const [input, canvas, what] of [[nst.content, 'nst-content-view', 'content photo'], [nst.style, 'nst-style-view', 'style image']] as const) {
  input.addEventListener('change', () => {
    updateNstButtons();
    showInput(input.files?.[0], canvas, Number(nst.size.value) || 256).then(
      () => { if (nst.status.dataset.state === 'error') setNstStatus('idle', 'Ready.'); },
      (e: unknown) => {
        setNstStatus('error', `The ${what}: ${e instanceof ImpastoError ? `${e.code}: ${e.message}` : String(e)}`);
        nst.run.disabled = true;
      },
    );
  });
}
nst.run.addEventListener('click', () => void runNst());
nst.cancel.addEventListener('click', () => nstCurrent?.abort());
$('nst-recolor').addEventListener('click', () => void previewColors());

// ---- Any style: arbitrary style transfer (MicroAST), one pass on the main thread ----

const ast = {
  content: $<HTMLInputElement>('ast-content'),
  style: $<HTMLInputElement>('ast-style'),
  ep: $<HTMLSelectElement>('ast-ep'),
  size: $<HTMLInputElement>('ast-size'),
  strength: $<HTMLInputElement>('ast-strength'),
  run: $<HTMLButtonElement>('ast-run'),
  status: $<HTMLParagraphElement>('ast-status'),
};

$('ast-licence').textContent = `Network: ${getModel('microast').licence}.`;

function setAstStatus(state: 'idle' | 'loading' | 'running' | 'done' | 'error' | 'aborted', text: string) {
  ast.status.dataset.state = state;
  document.body.dataset.astState = state;
  ast.status.textContent = text;
}

// One engine per provider; each keeps the style codes of its last few paintings.
const astEngines = new Map<ExecutionProvider, Promise<ArbitraryStyle>>();
function loadAst(ep: ExecutionProvider): Promise<ArbitraryStyle> {
  let p = astEngines.get(ep);
  if (!p) {
    p = ArbitraryStyle.load({ ep }, { store });
    p.catch(() => astEngines.delete(ep));
    astEngines.set(ep, p);
  }
  return p;
}

const astSize = () => Number(ast.size.value) || 512;
const astStrength = () => Math.min(1, Math.max(0, Number(ast.strength.value)));
let astBusy = false;
let astRan = false;
let astCurrent: AbortController | undefined;
const astCancel = $<HTMLButtonElement>('ast-cancel');

function updateAstButton() {
  ast.run.disabled = astBusy || !(ast.content.files?.length && ast.style.files?.length);
}

async function runAst() {
  const contentFile = ast.content.files?.[0];
  const styleFile = ast.style.files?.[0];
  if (!contentFile || !styleFile || astBusy) return;
  astBusy = true;
  const ctl = new AbortController();
  astCurrent = ctl;
  astCancel.disabled = false;
  updateAstButton();
  const size = astSize();
  const strength = astStrength();
  const ep = ast.ep.value as ExecutionProvider;
  for (const id of ['ast-provider', 'ast-time', 'ast-load-time', 'ast-total']) $(id).textContent = '–';
  const t0 = performance.now();
  try {
    // Decoded once here (content to `size`, the painting to `size` as its style scale), drawn, then handed over as pixels.
    const content = await decodeImage(contentFile, { maxSize: size });
    const style = await decodeImage(styleFile, { maxSize: size });
    draw($('ast-content-view'), content);
    draw($('ast-style-view'), style);
    setAstStatus('loading', 'Loading MicroAST…');
    const engine = await loadAst(ep);
    $('ast-load-time').textContent = fmtMs(performance.now() - t0);
    setAstStatus('running', `Stylizing ${content.width}x${content.height} on ${engine.provider}…`);
    const secondFile = $<HTMLInputElement>('ast-style2').files?.[0];
    const blend = Number($<HTMLInputElement>('ast-blend').value);
    const styles = secondFile ? [{ style, weight: 1 - blend }, { style: await decodeImage(secondFile, { maxSize: size }), weight: blend }] : style;
    const { image: out, inferenceMs } = await engine.stylizeWithInfo(content, styles, {
      styleSize: size,
      strength,
      preserveColors: choice<'none' | 'luminance' | 'histogram'>('ast-colors'),
      styleScale: optionalNumber('ast-style-scale'),
      tile: optionalNumber('ast-tile'),
    }, { signal: ctl.signal });
    draw($('ast-result'), out);
    $('ast-result-caption').textContent = `Result (strength ${strength.toFixed(2)})`;
    $('ast-provider').textContent = engine.provider;
    $('ast-time').textContent = fmtMs(inferenceMs);
    $('ast-total').textContent = fmtMs(performance.now() - t0);
    astRan = true;
    setAstStatus('done', `Done: ${out.width}x${out.height} in the style of ${styleFile.name} on ${engine.provider}.`);
  } catch (e) {
    if (e instanceof ImpastoError && e.code === 'ABORTED') {
      setAstStatus('aborted', 'Cancelled.');
      return;
    }
    const msg = e instanceof ImpastoError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    setAstStatus('error', msg);
    console.error(e);
  } finally {
    astBusy = false;
    astCurrent = undefined;
    astCancel.disabled = true;
    updateAstButton();
  }
}
astCancel.addEventListener('click', () => astCurrent?.abort());

for (const [input, canvas] of [[ast.content, 'ast-content-view'], [ast.style, 'ast-style-view']] as const) {
  input.addEventListener('change', () => {
    updateAstButton();
    const file = input.files?.[0];
    if (file) {
      void decodeImage(file, { maxSize: astSize() }).then(
        (img) => draw($(canvas), img),
        (e: unknown) => {
          setAstStatus('error', `${file.name}: ${e instanceof ImpastoError ? `${e.code}: ${e.message}` : String(e)}`);
          ast.run.disabled = true;
        },
      );
    }
  });
}
ast.strength.addEventListener('input', () => { $('ast-strength-value').textContent = astStrength().toFixed(2); });
// A new strength re-runs at once when there is a result (the painting's style code is kept).
ast.strength.addEventListener('change', () => { if (astRan && !astBusy) void runAst(); });
ast.run.addEventListener('click', () => void runAst());

// ---- Video: a clip stylized frame by frame in a Web Worker (decode, network, stabilizer, encode all there) ----

const vid = {
  file: $<HTMLInputElement>('video-file'),
  style: $<HTMLSelectElement>('video-style'),
  ep: $<HTMLSelectElement>('video-ep'),
  maxSize: $<HTMLInputElement>('video-max-size'),
  stabilize: $<HTMLInputElement>('video-stabilize'),
  container: $<HTMLSelectElement>('video-container'),
  run: $<HTMLButtonElement>('video-run'),
  cancel: $<HTMLButtonElement>('video-cancel'),
  status: $<HTMLParagraphElement>('video-status'),
  progress: $<HTMLProgressElement>('video-progress'),
  preview: $<HTMLCanvasElement>('video-preview'),
  result: $<HTMLVideoElement>('video-result'),
  download: $<HTMLAnchorElement>('video-download'),
};
for (const s of listStyles()) vid.style.add(new Option(`${s.id} — ${s.title}`, s.id, s.id === 'wave', s.id === 'wave'));

/** What the page saw of the current video run (read by the browser test). */
const videoState = {
  events: 0,
  previews: 0,
  lastFrame: 0,
  frames: undefined as number | undefined,
  error: undefined as { code: string; message: string } | undefined,
  result: undefined as WebVideoResult | undefined,
};
(globalThis as { impastoVideo?: typeof videoState }).impastoVideo = videoState;

function setVideoStatus(state: 'idle' | 'loading' | 'running' | 'done' | 'error' | 'aborted', text: string) {
  vid.status.dataset.state = state;
  document.body.dataset.videoState = state;
  vid.status.textContent = text;
}

// The video worker holds one model at a time, like the Fast style tab's.
let videoWorker: FastStyleWorker | undefined;
let videoModel = '';
let videoCurrent: AbortController | undefined;
let videoUrl: string | undefined;

function updateVideoButtons() {
  vid.run.disabled = !vid.file.files?.length || !!videoCurrent;
}

async function runVideoTab() {
  const file = vid.file.files?.[0];
  if (!file || videoCurrent) return;
  const ctl = new AbortController();
  videoCurrent = ctl;
  updateVideoButtons();
  vid.cancel.disabled = false;
  Object.assign(videoState, { events: 0, previews: 0, lastFrame: 0, frames: undefined, error: undefined, result: undefined });
  for (const id of ['video-frame', 'video-fps', 'video-eta', 'video-time', 'video-provider']) $(id).textContent = '–';
  vid.progress.removeAttribute('value');
  vid.download.hidden = true;
  vid.result.hidden = true;
  $('video-info').textContent = '';
  const style = vid.style.value;
  const ep = vid.ep.value as ExecutionProvider;
  const t0 = performance.now();
  try {
    videoWorker ??= new FastStyleWorker(new Worker(new URL('../src/worker.ts', import.meta.url), { type: 'module', name: 'impasto-video' }), setup);
    if (videoModel !== `${style}/${ep}`) {
      videoModel = '';
      setVideoStatus('loading', `Loading ${style}…`);
      await videoWorker.load(style, { ep }, { signal: ctl.signal, onProgress: (p) => setVideoStatus('loading', `Loading ${style}: ${p.done}/${p.total} files`) });
      videoModel = `${style}/${ep}`;
    }
    $('video-provider').textContent = videoWorker.provider ?? '?';
    setVideoStatus('running', `Opening ${file.name}…`);
    const container = vid.container.value as '' | 'mp4' | 'webm';
    const run = videoWorker.stylizeVideo(
      file,
      { maxSize: Number(vid.maxSize.value) || undefined, stabilize: vid.stabilize.checked, container: container || undefined },
      { signal: ctl.signal, previewEvery: 5 },
    );
    for await (const e of run.events) {
      videoState.events++;
      videoState.lastFrame = e.frame;
      videoState.frames = e.frames;
      if (e.frames) {
        vid.progress.max = e.frames;
        vid.progress.value = Math.min(e.frame, e.frames);
      }
      $('video-frame').textContent = e.frames ? `${e.frame}/${e.frames}` : String(e.frame);
      $('video-fps').textContent = e.fps.toFixed(1);
      $('video-eta').textContent = e.etaMs === undefined ? '–' : fmtMs(e.etaMs);
      if (e.preview) {
        videoState.previews++;
        draw(vid.preview, e.preview);
        $('video-preview-caption').textContent = `Live preview: frame ${e.frame}`;
      }
      setVideoStatus('running', `Stylizing ${file.name} with ${style}: frame ${e.frame}${e.frames ? ` of about ${e.frames}` : ''}…`);
    }
    const result = await run.result;
    videoState.result = result;
    if (videoUrl) URL.revokeObjectURL(videoUrl);
    videoUrl = URL.createObjectURL(result.output);
    vid.result.src = videoUrl;
    vid.result.hidden = false;
    vid.download.href = videoUrl;
    vid.download.download = `${file.name.replace(/\.[^.]*$/, '')}-${style}.${result.container}`;
    vid.download.textContent = `Download ${vid.download.download} (${(result.output.size / 1024).toFixed(0)} KiB)`;
    vid.download.hidden = false;
    vid.progress.max = result.frames;
    vid.progress.value = result.frames;
    $('video-eta').textContent = '0 ms';
    $('video-time').textContent = fmtMs(performance.now() - t0);
    $('video-info').textContent = `${result.width}x${result.height}, ${result.mimeType}, audio ${result.audio}${result.stabilized ? ', stabilized' : ''}`;
    setVideoStatus('done', `Done: ${result.frames} frames with ${style} in ${fmtMs(result.elapsedMs)} (${((result.frames * 1000) / result.elapsedMs).toFixed(1)} fps).`);
  } catch (e) {
    const code = e instanceof ImpastoError ? e.code : 'INTERNAL';
    const message = e instanceof Error ? e.message : String(e);
    videoState.error = { code, message };
    vid.progress.value = 0; // determinate again: an indeterminate bar would keep animating
    if (code === 'ABORTED') {
      setVideoStatus('aborted', `Cancelled after ${videoState.lastFrame} frames; nothing was kept.`);
    } else {
      setVideoStatus('error', `${code}: ${message}`);
      console.error(e);
    }
  } finally {
    if (videoCurrent === ctl) {
      videoCurrent = undefined;
      vid.cancel.disabled = true;
      updateVideoButtons();
    }
  }
}

vid.file.addEventListener('change', updateVideoButtons);
vid.run.addEventListener('click', () => void runVideoTab());
vid.cancel.addEventListener('click', () => videoCurrent?.abort());

// The main-thread API, for the browser tests and the console.
(globalThis as { impasto?: object }).impasto = { FastStyle, NeuralStyle, ArbitraryStyle, neuralStyle, stylizeVideo, decodeImage, toImageData, store, weightsBaseUrl, wasmPaths };
