// @impasto/core/flow: dense optical flow for video stabilization. Its own entry because it loads
// OpenCV.js (10 MB, with Node-only branches that some bundlers refuse): an app imports it only
// where it stabilizes video, and every other bundle never sees it.
export { farnebackFlow, type FarnebackOptions } from '../video/farneback';
