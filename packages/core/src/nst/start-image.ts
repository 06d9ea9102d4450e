import { ImpastoError } from '../errors';
import { type RawImage, imageToTensor } from '../image/raw-image';
import { Rng } from '../optim/rng';
import type { ResolvedNeuralStyleRunOptions } from '../options/generated';
import { type RunImages, recolorByRegion } from './run-images';

function noise(width: number, height: number, seed: number): Float32Array {
  // The seed's white noise (Gaussian x 0.256) lives in mean-subtracted space; here that is mid-grey.
  const x = new Float32Array(3 * width * height);
  new Rng(seed).fillGaussian(x, 0.256, 127.5);
  return x;
}

/** The image a run starts from (NCHW RGB 0..255): noise, the photo, the photo recoloured, or given pixels. */
export function startImage(o: ResolvedNeuralStyleRunOptions, shape: RawImage, { content, styles, masks }: RunImages): Float32Array {
  if (o.init === 'content') return imageToTensor(content!).data.slice();
  if (o.init === 'colors') return imageToTensor(recolorByRegion(content!, styles[0]!.image, masks)).data.slice();
  if (typeof o.init === 'object') {
    if (o.init.width !== shape.width || o.init.height !== shape.height) {
      throw new ImpastoError('INVALID_ARGUMENT', `init image is ${o.init.width}x${o.init.height}; the output is ${shape.width}x${shape.height}`);
    }
    return imageToTensor(o.init).data.slice();
  }
  return noise(shape.width, shape.height, o.seed);
}
