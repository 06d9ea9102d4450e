import { FastStyle as CoreFastStyle, type StylizeOptions } from '@impasto/core';
import { checkOutputPath, formatFromPath, writeFileAtomic } from './files';
import type { NodeImageInput } from './platform/image-codec';
import { nodePlatform } from './platform';

/** Result of `stylizeFile`. */
export interface StylizeFileResult {
  readonly output: string;
  readonly width: number;
  readonly height: number;
  readonly format: NonNullable<StylizeOptions['format']>;
  /** Milliseconds inside the network. */
  readonly inferenceMs: number;
}

/**
 * Fast style transfer (Johnson et al. 2016) in Node: core's `FastStyle` on onnxruntime-node and
 * sharp, plus files.
 * @example
 * const fst = await FastStyle.load('wave', { ep: 'auto' });
 * await fst.stylizeFile('in.jpg', 'out.png');
 * const pixels = await fst.stylize('in.jpg', { maxSize: 512 });      // RawImage
 * const jpeg = await fst.stylizeEncoded(buffer, { format: 'jpeg' }); // Buffer
 */
export class FastStyle extends CoreFastStyle<NodeImageInput, Buffer> {
  static override readonly platform = nodePlatform;

  /**
   * Stylizes the image file `input` into `output` (format from `options.format`, else the file
   * name, else PNG). The output appears whole or not at all, and never replaces the input.
   */
  async stylizeFile(input: string, output: string, options: StylizeOptions = {}): Promise<StylizeFileResult> {
    const o = this.resolve({ ...options, format: options.format ?? formatFromPath(output) ?? 'png' });
    await checkOutputPath(output, [input]);
    const image = await this.stylizeResolved(input, o);
    const bytes = await this.platform.codec.encode(image, { format: o.format!, quality: o.quality });
    await writeFileAtomic(output, bytes, [input]);
    return { output, width: image.width, height: image.height, format: o.format!, inferenceMs: this.lastInferenceMs };
  }
}
