export * from './errors';
export * from './onnx/tensor';
export * from './onnx/graph';
export * from './onnx/serialize';
export * from './runtime/backend';
export * from './store/source';
