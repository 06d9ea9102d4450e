import { FastStyle as CoreFastStyle, type StylizeOptions } from '@impasto/core';
import { checkOutputPath, outputFormat, writeFileAtomic } from './files';
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
   * Stylizes the image file `input` into `output` (`-` for standard output). The format is the one
   * the file name gives; `options.format` must agree with it (it chooses for `-` and special files,
   * default PNG). The output appears whole or not at all, and never replaces an input (compared by
   * device and inode). Errors: `INVALID_ARGUMENT` for a format/name mismatch or an unknown
   * extension, the decoder's `BAD_IMAGE` / `MISSING_FILE`, `IO`.
   */
  async stylizeFile(input: string, output: string, options: StylizeOptions = {}): Promise<StylizeFileResult> {
    const o = this.resolve({ ...options, format: outputFormat(output, this.resolve(options).format) });
    await checkOutputPath(output, [input]);
    const image = await this.stylizeResolved(input, o);
    const bytes = await this.platform.codec.encode(image, { format: o.format!, quality: o.quality });
    await writeFileAtomic(output, bytes, [input]);
    return { output, width: image.width, height: image.height, format: o.format!, inferenceMs: this.lastInferenceMs };
  }
}
