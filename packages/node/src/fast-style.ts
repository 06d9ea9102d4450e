import { FastStyle as CoreFastStyle, type StylizeContext, type StylizeOptions } from '@impasto/core/platform';
import { type StylizeFileResult, checkFilePath, writeStylized } from './files';
import type { NodeImageInput } from './platform/image-codec';
import { nodePlatform } from './platform';

export type { StylizeFileResult };

/**
 * Fast style transfer (Johnson et al. 2016) in Node: core's `FastStyle` on onnxruntime-node and
 * sharp, plus files.
 * @example
 * const fst = await FastStyle.load('wave', { ep: 'auto' });
 * await fst.stylizeFile('in.jpg', 'out.png');
 * const pixels = await fst.stylize('in.jpg', { maxSize: 512 });      // RawImage
 * const jpeg = await fst.stylizeEncoded(buffer, { format: 'jpeg' }); // Buffer
 * await fst.stylizeFile('8k.jpg', 'out.jpg', { tile: 1024 }, { onProgress: console.log }); // tiled
 */
export class FastStyle extends CoreFastStyle<NodeImageInput, Buffer> {
  static override readonly platform = nodePlatform;

  /**
   * Stylizes the image file `input` (or its bytes) into `output` (`-` for standard output). The format is the one
   * the file name gives; `options.format` must agree with it (it chooses for `-` and special files,
   * default PNG). The output appears whole or not at all, and never replaces an input (compared by
   * device and inode). Errors: `INVALID_ARGUMENT` for a format/name mismatch or an unknown
   * extension, the decoder's `BAD_IMAGE` / `MISSING_FILE`, `IO`.
   */
  async stylizeFile(input: string | Uint8Array, output: string, options: StylizeOptions = {}, context: StylizeContext = {}): Promise<StylizeFileResult> {
    const o = this.resolve(options);
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) checkFilePath('input', input);
    return writeStylized(output, typeof input === 'string' ? [input] : [], o, () => this.stylizeResolved(input, o, context));
  }
}
