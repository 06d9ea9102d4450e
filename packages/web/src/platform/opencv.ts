import type { OpenCvModule } from '@impasto/core/flow';

/**
 * Loads dist/opencv.js (OpenCV.js without its Node branch: scripts/opencv-bundle.mjs) by URL. `new URL('./opencv.js', import.meta.url)` is
 * the pattern Vite and webpack emit as an asset, and a plain file next to this one without a
 * bundler; the import of a URL is one no bundler splits into a chunk, so a worker that can stylize
 * video still builds as a single file (Vite 7 builds workers as iife, which cannot split).
 */
export function loadOpenCv(): Promise<OpenCvModule> {
  const url = new URL('./opencv.js', import.meta.url);
  return import(/* webpackIgnore: true */ /* @vite-ignore */ url.href) as Promise<OpenCvModule>;
}
