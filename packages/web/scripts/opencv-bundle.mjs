/**
 * dist/opencv.js: OpenCV.js for the browser (see src/platform/opencv.ts, which loads it by URL).
 * @techstark/opencv-js (Apache-2.0) as one ES module with no imports; Emscripten's Node branch
 * (require('fs'/'path'/'crypto'), never taken in a browser) gets empty modules, so no bundler has
 * to resolve or polyfill a Node built-in. Used by the package build and by the demo's Vite config.
 *
 *   node scripts/opencv-bundle.mjs [outfile]     # default dist/opencv.js
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const OPENCV_BUNDLE = fileURLToPath(new URL('../dist/opencv.js', import.meta.url));

/** @type {import('esbuild').Plugin} */
const emptyNodeBuiltins = {
  name: 'empty-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(fs|path|crypto)$/ }, (args) => ({ path: args.path, namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** Writes the bundle to `outfile` (unless it is there and `force` is false). */
export async function bundleOpenCv(outfile = OPENCV_BUNDLE, force = true) {
  if (!force && existsSync(outfile)) return outfile;
  await build({
    stdin: { contents: "export { default } from '@techstark/opencv-js';", resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile,
    plugins: [emptyNodeBuiltins],
    banner: { js: '/*! OpenCV.js 4.12.0 (@techstark/opencv-js), Apache License 2.0: https://github.com/opencv/opencv/blob/4.x/LICENSE */' },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleOpenCv(process.argv[2]);
