// @impasto/core/ast: arbitrary style transfer in one pass (MicroAST) and its building blocks.
export * from '../ast/arbitrary-style';
export * from '../ast/style-code';
export * from '../ast/options';
export * from '../ast/network';
export { readTorchCheckpoint } from '../ast/torch-checkpoint';
