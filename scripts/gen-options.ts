/** Writes packages/core/src/options/generated.ts (the TSDoc'd option interfaces) from the schemas. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderGeneratedOptions } from '../packages/core/src/options/catalog';

const out = resolve(__dirname, '../packages/core/src/options/generated.ts');
writeFileSync(out, renderGeneratedOptions());
console.log(`wrote ${out}`);
