// @impasto/core/onnx: the ONNX graph builder, tensors and (de)serialisation.
export { Graph, attr, type Dim, type NodeDef, type AttrValue, type OpOptions, type ValueInfo } from '../onnx/graph';
export { type DType, type TensorData, type TypedArrayFor, sizeOf, float32, int64, transpose } from '../onnx/tensor';
export { encodeModel, decodeModel } from '../onnx/serialize';
export { graphFlops } from '../onnx/flops';
