import { AST_STYLIZE_SCHEMA, ArbitraryStyle as CoreArbitraryStyle, type ArbitraryStylizeOptions, type ResolvedArbitraryStylizeOptions, type StyleArgument, type StylizeContext, resolveOptions } from '@impasto/core/platform';
import { type StylizeFileResult, checkFilePath, writeStylized } from './files';
import type { NodeImageInput } from './platform/image-codec';
import { nodePlatform } from './platform';

/**
 * Any painting as a style, in one pass (MicroAST) in Node, plus files.
 * @example
 * const ast = await ArbitraryStyle.load();
 * await ast.stylizeFile('photo.jpg', 'painting.jpg', 'out.png');
 * const code = await ast.encodeStyle('painting.jpg');            // reuse for every frame
 * const pixels = await ast.stylize('frame.png', code, { strength: 0.8 });
 */
export class ArbitraryStyle extends CoreArbitraryStyle<NodeImageInput, Buffer> {
  static override readonly platform = nodePlatform;

  /**
   * Stylizes the image file `input` with `style` into `output` (`-` for standard output), with the
   * same rules as `FastStyle.stylizeFile`: format from the name, whole or not at all, never over an
   * input (style files included).
   */
  async stylizeFile(input: string | Uint8Array, style: StyleArgument<NodeImageInput>, output: string, options: ArbitraryStylizeOptions = {}, context: StylizeContext = {}): Promise<StylizeFileResult> {
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) checkFilePath('input', input);
    const o = resolveOptions<ResolvedArbitraryStylizeOptions>(AST_STYLIZE_SCHEMA, options);
    const styleFiles = (Array.isArray(style) ? style.map((s: { style?: unknown } | null) => s?.style) : [style]).filter((s): s is string => typeof s === 'string');
    return writeStylized(output, [...(typeof input === 'string' ? [input] : []), ...styleFiles], o, () => this.stylizeWithInfo(input, style, options, context));
  }
}
