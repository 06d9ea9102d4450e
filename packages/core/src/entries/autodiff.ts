// @impasto/core/autodiff: reverse-mode gradients over ONNX graphs, one rule per op.
export * from '../autodiff';
