// @impasto/core/nst: the neural-style engine and its building blocks: loss terms, objective
// graphs, loss networks, optimisers.
export * from '../nst/neural-style';
export * from '../nst/run-images';
export * from '../nst/terms';
export * from '../nst/objective';
export * from '../nst/adam-step';
export * from '../nst/gram';
export * from '../nst/losses';
export * from '../nst/options';
export * from '../nets/feature-net';
export * from '../nets/loss-nets';
export * from '../nets/vgg19';
export * from '../nets/squeezenet';
export * from '../nets/custom';
export * from '../nets/preprocess';
export * from '../optim/types';
export * from '../optim/adam';
export * from '../optim/lbfgs';
export * from '../optim/rng';
export * from '../optim/loop';
export * from '../nst/masked-gram';
export * from '../nst/masks';
export * from '../nst/matting';
export { mattingLaplacianTimes } from '../nst/terms/photorealism';
