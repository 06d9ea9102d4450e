// The conformance cases (scripts/conformance/cases.ts) on @impasto/web, for the browser half of
// packages/web/test/conformance.test.ts: `runCase(name, fixtures)` answers with plain data.
import { CASES, type CaseName, type PlainImage } from '@impasto/test-support/conformance/cases';
import { ArbitraryStyle, FastStyle, ModelStore, NeuralStyle, configureWasm, type RawImage } from '@impasto/web';

configureWasm({ wasmPaths: new URL('/ort/', location.href).href });
const store = new ModelStore({ weightsBaseUrl: new URL('/weights/', location.href).href, cache: false, download: false });
const api = { platform: 'web' as const, ep: 'wasm' as const, FastStyle, NeuralStyle, ArbitraryStyle, store };

const raw = (p: PlainImage): RawImage => ({ data: Uint8Array.from(p.data), width: p.width, height: p.height, channels: p.channels as 3 | 4 });

Object.assign(globalThis, {
  runCase: (name: CaseName, fx: { photo: PlainImage; painting: PlainImage }) => CASES[name](api, { photo: raw(fx.photo), painting: raw(fx.painting) }),
});
document.body.dataset.ready = '1';
document.getElementById('status')!.textContent = 'ready';
