import { ArbitraryStyle as CoreArbitraryStyle } from '@impasto/core/platform';
import { webPlatform } from './platform';
import type { ImageInput } from './platform/image-codec';

/**
 * Any painting as a style, in one pass (MicroAST), in the browser on onnxruntime-web.
 * @example
 * const ast = await ArbitraryStyle.load({ ep: 'auto' }, { store });
 * const code = await ast.encodeStyle(paintingFile);   // once per painting
 * ctx.putImageData(toImageData(await ast.stylize(photoFile, code, { maxSize: 1024 })), 0, 0);
 */
export class ArbitraryStyle extends CoreArbitraryStyle<ImageInput, Blob> {
  static override readonly platform = webPlatform;
}
