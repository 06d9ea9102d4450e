// Imported only through `import()` (optical-flow.ts), so the 10 MB OpenCV.js loads only when a video
// is stabilized. Boxed: Emscripten's module object is a thenable, and so would be a namespace that
// CommonJS interop copies its properties onto.
import cv from '@techstark/opencv-js';

export const openCvModule = { default: cv as unknown };
