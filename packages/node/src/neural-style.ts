import { NeuralStyle as CoreNeuralStyle, type RecolorOptions, type RecolorResult, recolorImage, type NeuralStyleContext, type NeuralStyleOptions, type NstEvent, type NstInputs, type NstResult, type Run } from '@impasto/core/platform';
import type { NodeImageInput } from './platform/image-codec';
import { nodePlatform } from './platform';

/**
 * Gatys et al. neural style transfer in Node: an engine whose graphs and sessions are reused by
 * every `run`. Images are paths, bytes or `RawImage`s.
 * @example
 * const nst = await NeuralStyle.load({ net: 'vgg19' });
 * const { events, result } = nst.run({ content: 'photo.jpg', style: 'painting.jpg' }, { iterations: 250 });
 * for await (const e of events) if (e.type === 'progress') console.log(e.iteration, e.loss);
 * await writeFile('out.png', await encodeImage((await result).image));
 */
export class NeuralStyle extends CoreNeuralStyle<NodeImageInput, Buffer> {
  static override readonly platform = nodePlatform;
}

/** A one-off run, `{ events, result }` (`NeuralStyle.transfer`). */
export function neuralStyle(inputs: NstInputs<NodeImageInput>, options?: NeuralStyleOptions, context?: NeuralStyleContext): Run<NstEvent, NstResult> {
  return NeuralStyle.transfer(inputs, options, context);
}

/**
 * A colour-only photo transfer, in well under a second: `content` recoloured so its RGB mean and
 * covariance are `style`'s (a photo), region by region with `contentMask` and `styleMask`. The
 * preview of a photo style transfer (`{ ...NST_PRESETS.photo }`), which starts from it.
 * @example
 * const { image } = await recolor({ content: 'day.jpg', style: 'night.jpg' });
 */
export function recolor(inputs: Pick<NstInputs<NodeImageInput>, 'content' | 'style' | 'contentMask' | 'styleMask'>, options?: RecolorOptions): Promise<RecolorResult> {
  return recolorImage(nodePlatform.codec, inputs, options);
}
