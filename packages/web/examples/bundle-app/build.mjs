/**
 * Builds this example with Vite's JS API, as an ordinary app: default resolution, so `@impasto/web`
 * comes through the workspace's node_modules link and the package's `exports` map (its built dist).
 *
 *   node packages/web/examples/bundle-app/build.mjs <outDir> [--external-ort] [--app <folder beside this one>]
 *
 * Prints one JSON line: { ok, ms, modules (every module id in the bundle), warnings }.
 * --external-ort leaves onnxruntime-web out, so the output is only our code (core + web).
 * --app builds another example the same way (e.g. bundle-video-app, which has a worker).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const app = process.argv.indexOf('--app');
const root = fileURLToPath(new URL(app > 0 ? `../${process.argv[app + 1]}/` : '.', import.meta.url));
const outDir = process.argv[2];
if (!outDir) throw new Error('usage: build.mjs <outDir> [--external-ort]');
const externalOrt = process.argv.includes('--external-ort');

const modules = new Set();
const warnings = [];
const t0 = Date.now();
await build({
  root,
  base: './',
  configFile: false,
  logLevel: 'warn',
  customLogger: {
    info() {}, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false,
    warn: (m) => warnings.push(m), warnOnce: (m) => warnings.push(m), error: (m) => warnings.push(m),
  },
  plugins: [{ name: 'record-modules', moduleParsed(info) { modules.add(info.id); } }],
  // Vite's default worker format (iife in Vite 7): the worker is one file, OpenCV.js an asset it fetches.
  worker: { plugins: () => [{ name: 'record-worker-modules', moduleParsed(info) { modules.add(info.id); } }] },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 100_000,
    rollupOptions: {
      external: externalOrt ? ['onnxruntime-web'] : [],
      onwarn(w) { warnings.push(w.message); },
    },
  },
});
console.log(JSON.stringify({ ok: true, ms: Date.now() - t0, modules: [...modules], warnings }));
