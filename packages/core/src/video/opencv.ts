// OpenCV.js is the platform's to load (a loader passed to farnebackFlow): Node imports the npm
// package, the browser fetches a build of it without Emscripten's Node branch, and core stays free
// of a 10 MB import that bundlers would split (which Vite 7's iife workers refuse) or fail on
// (webpack 5 cannot resolve its require('fs')).

/** The part of OpenCV.js Impasto uses. */
export interface Mat {
  readonly data: Uint8Array;
  readonly data32F: Float32Array;
  delete(): void;
}
export interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => Mat;
  Size: new (w: number, h: number) => unknown;
  CV_8UC1: number;
  CV_8UC3: number;
  CV_8UC4: number;
  COLOR_RGB2GRAY: number;
  COLOR_RGBA2GRAY: number;
  INTER_AREA: number;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): Mat;
  cvtColor(src: Mat, dst: Mat, code: number): void;
  resize(src: Mat, dst: Mat, size: unknown, fx: number, fy: number, interpolation: number): void;
  calcOpticalFlowFarneback(prev: Mat, next: Mat, flow: Mat, pyrScale: number, levels: number, winsize: number, iterations: number, polyN: number, polySigma: number, flags: number): void;
  onRuntimeInitialized?: () => void;
}

/**
 * OpenCV.js's ES module namespace (`import('@techstark/opencv-js')` or a browser build of it): a
 * namespace, not the module object, because the latter is a thenable (see readyOpenCv).
 */
export interface OpenCvModule {
  readonly default: unknown;
}

/** Loads OpenCV.js; called once, on the first frame that needs optical flow. */
export type OpenCvLoader = () => Promise<OpenCvModule>;

/**
 * OpenCV.js once its WebAssembly is ready, in a box: Emscripten's module object is a thenable
 * that resolves to itself, so awaiting or returning it from an async function never settles.
 */
export function readyOpenCv(module: OpenCvModule): Promise<{ readonly cv: OpenCv }> {
  const cv = module.default as OpenCv;
  if (cv.Mat) return Promise.resolve({ cv });
  return new Promise((ready) => (cv.onRuntimeInitialized = () => ready({ cv })));
}
