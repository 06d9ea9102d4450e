import { ImpastoError } from '../errors';
import { COLOR_SCHEMA, DECODE_SCHEMA, ENCODE_SCHEMA, MEMORY_SCHEMA, TILE_SCHEMA } from '../image/options';
import { defineSchema } from '../options/schema';
import { SESSION_SCHEMA } from '../runtime/session-options';

/** `FastStyle.load`'s options: the session's. */
export const FAST_STYLE_LOAD_SCHEMA = defineSchema('FastStyleLoadOptions', 'loading a fast-style network', {
  precision: {
    kind: 'choice',
    choices: ['fp32', 'int8'],
    default: 'fp32',
    doc: "Arithmetic of the network: `int8` quantizes its inner convolutions (calibrated on synthetic images, cached like the float graph) for CPUs with 8-bit dot products; it runs on the cpu and wasm providers only, and `auto` then means those",
  },
}, { extend: [SESSION_SCHEMA] });

/** `FastStyle.stylize…`'s options: how the input is decoded and the result encoded. */
export const STYLIZE_SCHEMA = defineSchema('StylizeOptions', 'stylizing an image', {}, {
  extend: [DECODE_SCHEMA, ENCODE_SCHEMA, MEMORY_SCHEMA, TILE_SCHEMA, COLOR_SCHEMA],
  check: (r) => {
    if (r.preserveColors === 'histogram') {
      throw new ImpastoError('INVALID_ARGUMENT', "preserveColors 'histogram' recolours the style image, and a fast-style network has its style built in: use 'luminance'");
    }
  },
});
