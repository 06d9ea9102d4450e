import { COLOR_SCHEMA, DECODE_SCHEMA, ENCODE_SCHEMA, MEMORY_SCHEMA, STYLE_SCALE_SCHEMA, TILE_SCHEMA } from '../image/options';
import { defineSchema } from '../options/schema';
import { SESSION_SCHEMA } from '../runtime/session-options';

/** `ArbitraryStyle.load`'s options: the sessions'. */
export const AST_LOAD_SCHEMA = defineSchema('ArbitraryStyleLoadOptions', 'loading the arbitrary-style network', {}, { extend: [SESSION_SCHEMA] });

/** How a style image becomes a style code. */
export const STYLE_CODE_SCHEMA = defineSchema('StyleCodeOptions', 'encoding a style image', {
  styleSize: {
    kind: 'int',
    min: 8,
    max: 16384,
    default: 1024,
    arg: 'n',
    doc: "Longest side the style image is shrunk to before encoding: the style's scale (strokes keep their size in pixels, so smaller gives smaller strokes)",
  },
  maxPixels: DECODE_SCHEMA.fields.maxPixels,
});

/** `ArbitraryStyle.stylize…`'s options. */
export const AST_STYLIZE_SCHEMA = defineSchema(
  'ArbitraryStylizeOptions',
  'arbitrary style transfer',
  {
    strength: {
      kind: 'number',
      min: 0,
      max: 1,
      default: 1,
      arg: 'x',
      // The network was trained at AdaIN alpha 1 only; alpha < 1 gives flat cyan fields.
      doc: 'How much of the style: the result blended with the content photo in image space (the network itself only works at full strength)',
    },
  },
  { extend: [DECODE_SCHEMA, ENCODE_SCHEMA, MEMORY_SCHEMA, TILE_SCHEMA, STYLE_CODE_SCHEMA, STYLE_SCALE_SCHEMA, COLOR_SCHEMA] },
);
