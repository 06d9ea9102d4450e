import { NeuralStyle as CoreNeuralStyle, type RecolorOptions, type RecolorResult, recolorImage, type NeuralStyleContext, type NeuralStyleOptions, type NstEvent, type NstInputs, type NstResult, type Run } from '@impasto/core/platform';
import { webPlatform } from './platform';
import type { ImageInput } from './platform/image-codec';

/**
 * Gatys et al. neural style transfer in the browser (SqueezeNet and 256 px by default): an engine
 * whose graphs (kept in Cache Storage) and sessions are reused by every `run`.
 * @example
 * const nst = await NeuralStyle.load({ net: 'squeezenet' });
 * const { events, result } = nst.run({ content: photoFile, style: paintingFile }, { iterations: 100 });
 * for await (const e of events) if (e.type === 'checkpoint') ctx.putImageData(toImageData(e.image), 0, 0);
 * ctx.putImageData(toImageData((await result).image), 0, 0);
 */
export class NeuralStyle extends CoreNeuralStyle<ImageInput, Blob> {
  static override readonly platform = webPlatform;
}

/** A one-off run, `{ events, result }` (`NeuralStyle.transfer`). */
export function neuralStyle(inputs: NstInputs<ImageInput>, options?: NeuralStyleOptions, context?: NeuralStyleContext): Run<NstEvent, NstResult> {
  return NeuralStyle.transfer(inputs, options, context);
}

/**
 * A colour-only photo transfer, in well under a second: `content` recoloured so its RGB mean and
 * covariance are `style`'s (a photo), region by region with `contentMask` and `styleMask`. The
 * preview of a photo style transfer (`{ ...NST_PRESETS.photo }`), which starts from it.
 * @example
 * const { image } = await recolor({ content: 'day.jpg', style: 'night.jpg' });
 */
export function recolor(inputs: Pick<NstInputs<ImageInput>, 'content' | 'style' | 'contentMask' | 'styleMask'>, options?: RecolorOptions): Promise<RecolorResult> {
  return recolorImage(webPlatform.codec, inputs, options);
}
