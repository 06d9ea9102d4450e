import { NeuralStyle as CoreNeuralStyle, type NeuralStyleContext, type NeuralStyleLoadOptions, type NeuralStyleOptions, type NstEvent, type NstInputs, type NstResult, type Run, openNeuralStyle, runNeuralStyle } from '@impasto/core';
import type { NodeImageInput } from './platform/image-codec';
import { nodePlatform } from './platform';

/**
 * Gatys et al. neural style transfer in Node: an engine whose graphs and sessions are reused by
 * every `run`.
 * @example
 * const nst = await NeuralStyle.load({ net: 'vgg19' });
 * const { events, result } = nst.run({ content: 'photo.jpg', style: 'painting.jpg' }, { iterations: 250 });
 * for await (const e of events) if (e.type === 'progress') console.log(e.iteration, e.loss);
 * await writeFile('out.png', await encodeImage((await result).image));
 */
export class NeuralStyle extends CoreNeuralStyle<NodeImageInput, Buffer> {
  /** Loads the loss net's graphs (from the cache when built before) and opens their sessions. */
  static async load(options: NeuralStyleLoadOptions = {}, context: NeuralStyleContext = {}): Promise<NeuralStyle> {
    return new NeuralStyle(nodePlatform, await openNeuralStyle(nodePlatform, options, context));
  }
}

/**
 * A one-off neural style transfer: every option is checked at the call (bad ones throw), then an
 * engine is loaded, run once and released. Images are paths, bytes or `RawImage`s.
 */
export function neuralStyle(inputs: NstInputs<NodeImageInput>, options: NeuralStyleOptions = {}, context: NeuralStyleContext = {}): Run<NstEvent, NstResult> {
  return runNeuralStyle(nodePlatform, (parts) => new NeuralStyle(nodePlatform, parts), inputs, options, context);
}
