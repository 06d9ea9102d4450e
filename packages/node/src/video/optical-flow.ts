import { type FarnebackOptions, farnebackFlow as coreFarnebackFlow } from '@impasto/core/flow';
import type { FlowEstimator } from '@impasto/core/platform';

/** OpenCV.js from npm, imported on the first frame that needs optical flow. */
const loadOpenCv = async () => (await import('./opencv-module')).openCvModule;

/** Farneback's dense optical flow (OpenCV.js), for video stabilization and the warp-error meter. */
export function farnebackFlow(options: FarnebackOptions = {}): FlowEstimator {
  return coreFarnebackFlow(loadOpenCv, options);
}
