import { type FarnebackOptions, farnebackFlow as coreFarnebackFlow } from '@impasto/core/flow';
import type { FlowEstimator } from '@impasto/core/platform';
import { loadOpenCv } from './opencv';

/** Farneback's dense optical flow on the browser's OpenCV.js, fetched on the first frame that needs it. */
export function farnebackFlow(options: FarnebackOptions = {}): FlowEstimator {
  return coreFarnebackFlow(loadOpenCv, options);
}
