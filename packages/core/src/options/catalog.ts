import { AST_LOAD_SCHEMA, AST_STYLIZE_SCHEMA, STYLE_CODE_SCHEMA } from '../ast/options';
import { FAST_STYLE_LOAD_SCHEMA, STYLIZE_SCHEMA } from '../fst/options';
import { DECODE_SCHEMA, ENCODE_SCHEMA, MEMORY_SCHEMA } from '../image/options';
import { NST_LOAD_SCHEMA, NST_RUN_SCHEMA, NST_SCHEMA, RECOLOR_SCHEMA } from '../nst/options';
import { SESSION_SCHEMA } from '../runtime/session-options';
import { TRAIN_SCHEMA } from '../train/options';
import { VIDEO_SCHEMA } from '../video/options';
import { renderOptionTypes } from './render-types';
import type { Schema } from './schema';

/** Every public options schema, in the order generated.ts declares them. */
export const OPTION_SCHEMAS: readonly Schema[] = [
  SESSION_SCHEMA,
  DECODE_SCHEMA,
  ENCODE_SCHEMA,
  MEMORY_SCHEMA,
  FAST_STYLE_LOAD_SCHEMA,
  STYLIZE_SCHEMA,
  NST_LOAD_SCHEMA,
  NST_RUN_SCHEMA,
  NST_SCHEMA,
  RECOLOR_SCHEMA,
  AST_LOAD_SCHEMA,
  STYLE_CODE_SCHEMA,
  AST_STYLIZE_SCHEMA,
  VIDEO_SCHEMA,
  TRAIN_SCHEMA,
];

const HEADER = `// Generated from the option schemas by scripts/gen-options.ts (npm run gen:options). Do not edit:
// change the schema (its \`doc\`, \`default\`, range) and regenerate; a test fails when this is stale.
import type { RawImage } from '../image/raw-image';
`;

/** The text of generated.ts. */
export function renderGeneratedOptions(): string {
  return renderOptionTypes(OPTION_SCHEMAS, HEADER);
}
