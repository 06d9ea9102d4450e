// Imported only through `import()` from farneback.ts, so the 10 MB OpenCV.js is loaded (and, in
// a bundle, fetched) only when a video is stabilized.
import cvModule from '@techstark/opencv-js';

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
 * OpenCV.js once its WebAssembly is ready, in a box: Emscripten's module object is a thenable
 * that resolves to itself, so awaiting or returning it from an async function never settles.
 */
export function readyOpenCv(): Promise<{ readonly cv: OpenCv }> {
  const cv = cvModule as unknown as OpenCv;
  if (cv.Mat) return Promise.resolve({ cv });
  return new Promise((ready) => (cv.onRuntimeInitialized = () => ready({ cv })));
}
