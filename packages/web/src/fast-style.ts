import { FastStyle as CoreFastStyle } from '@impasto/core/platform';
import { webPlatform } from './platform';
import type { ImageInput } from './platform/image-codec';

/**
 * Fast style transfer (Johnson et al. 2016) in the browser: core's `FastStyle` on onnxruntime-web.
 * @example
 * const fst = await FastStyle.load('wave', { ep: 'auto' }, { store: new ModelStore({ weightsBaseUrl: '/weights/' }) });
 * ctx.putImageData(toImageData(await fst.stylize(file, { maxSize: 1024 })), 0, 0);
 */
export class FastStyle extends CoreFastStyle<ImageInput, Blob> {
  static override readonly platform = webPlatform;
}
