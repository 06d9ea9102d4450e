// @impasto/core/flow: dense optical flow for video stabilization, on an OpenCV.js the platform
// loads (node and web each pass their loader: see video/opencv.ts).
export { farnebackFlow, type FarnebackOptions } from '../video/farneback';
export type { OpenCvLoader, OpenCvModule } from '../video/opencv';
