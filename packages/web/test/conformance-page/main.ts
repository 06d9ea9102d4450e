// The conformance cases (scripts/conformance/cases.ts) on @impasto/web, for the browser half of
// packages/web/test/conformance.test.ts: `runCase(name, fixtures)` answers with plain data.
import { CASES, type CaseName, type PlainImage } from '@impasto/test-support/conformance/cases';
import { objectiveCheck } from '@impasto/test-support/webgpu/objective-check';
import { ArbitraryStyle, type ExecutionProvider, FastStyle, FastStyleWorker, ModelStore, NeuralStyle, configureWasm, type RawImage, wasmThreads } from '@impasto/web';
import { defaultWasmThreads, webBackend } from '@impasto/web/platform';
import { imageToTensor } from '@impasto/core/platform';

const wasmPaths = new URL('/ort/', location.href).href;
const weightsBaseUrl = new URL('/weights/', location.href).href;
configureWasm({ wasmPaths });
const store = new ModelStore({ weightsBaseUrl, cache: false, download: false });
const api = { platform: 'web' as const, ep: 'wasm' as const, FastStyle, NeuralStyle, ArbitraryStyle, store };

const raw = (p: PlainImage): RawImage => ({ data: Uint8Array.from(p.data), width: p.width, height: p.height, channels: p.channels as 3 | 4 });

Object.assign(globalThis, {
  runCase: (name: CaseName, fx: { photo: PlainImage; painting: PlainImage }) => CASES[name](api, { photo: raw(fx.photo), painting: raw(fx.painting) }),
  // For packages/web/test/browser-webgpu.test.ts: loads FastStyle 'wave' on `ep` and, given an image,
  // runs the network on it: the unclamped float output (NCHW, 0..255) and the provider that ran it.
  stylizeOn: async (ep: ExecutionProvider, image?: PlainImage) => {
    const t0 = performance.now();
    const fst = await FastStyle.load('wave', { ep }, { store });
    try {
      if (!image) return { provider: fst.provider, ms: performance.now() - t0 };
      const out = await fst.model.run(imageToTensor(raw(image)));
      return { provider: fst.provider, dims: [...out.dims], output: Array.from(out.data), ms: performance.now() - t0 };
    } finally {
      await fst.dispose();
    }
  },
  // The NST objective (SqueezeNet, 32²) on `ep`, its targets on wasm: loss, terms, gradient.
  objectiveOn: (ep: ExecutionProvider) => objectiveCheck(webBackend, store, ep, 'wasm'),
  // For packages/web/test/browser-threads.test.ts: FastStyle 'wave' on wasm on this page, and the
  // threads its ONNX Runtime started with (or `where: 'worker'`: the same in @impasto/web's worker).
  threadsOn: async (where: 'page' | 'worker', image: PlainImage) => {
    const page = { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, defaultThreads: defaultWasmThreads() };
    if (where === 'page') {
      const fst = await FastStyle.load('wave', { ep: 'wasm' }, { store });
      try {
        const out = await fst.stylizeRaw(raw(image));
        return { ...page, provider: fst.provider, threads: wasmThreads(), pixels: Array.from(out.data) };
      } finally {
        await fst.dispose();
      }
    }
    const w = new FastStyleWorker(new Worker(new URL('../../src/worker.ts', import.meta.url), { type: 'module', name: 'impasto-test' }), { store: { weightsBaseUrl, cache: false, download: false }, wasm: { wasmPaths } });
    try {
      await w.load('wave', { ep: 'wasm' });
      const out = await w.stylize(raw(image));
      return { ...page, provider: w.provider, threads: w.threads, pixels: Array.from(out.data) };
    } finally {
      await w.dispose();
    }
  },
});
document.body.dataset.ready = '1';
document.getElementById('status')!.textContent = 'ready';
