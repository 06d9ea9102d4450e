import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NST_RUN_SCHEMA, NST_SCHEMA, OPTION_SCHEMAS, STYLIZE_SCHEMA, SESSION_SCHEMA, resolveOptions } from '@impasto/core/platform';
import { renderGeneratedOptions } from '../../src/options/catalog';

describe('option schemas', () => {
  it('generated.ts is what the schemas render (run `npm run gen:options` after changing one)', () => {
    const onDisk = readFileSync(join(__dirname, '../../src/options/generated.ts'), 'utf8');
    expect(onDisk).toBe(renderGeneratedOptions());
  });

  it('every field has one sentence of documentation, and every schema a name', () => {
    for (const s of OPTION_SCHEMAS) {
      expect(s.name).toMatch(/^[A-Z]\w+Options$/);
      for (const [key, f] of Object.entries(s.fields)) expect(`${key}: ${f.doc}`).toMatch(/^\w+: [A-Z`'].{10,}[^.]$/);
    }
  });

  it('fills defaults, some computed from earlier fields, the run context or the platform', () => {
    const node = resolveOptions<Record<string, unknown>>(NST_SCHEMA, {}, { platform: 'node', mode: 'transfer' });
    expect(node).toMatchObject({ net: 'vgg19', size: 512, styleSize: 512, optimizer: 'adam', lr: 4, tvWeight: 0.1, init: 'content', iterations: 250 });
    const web = resolveOptions<Record<string, unknown>>(NST_SCHEMA, { optimizer: 'lbfgs', size: 200, mode: 'style' }, { platform: 'web', mode: 'style' });
    expect(web).toMatchObject({ net: 'squeezenet', size: 200, styleSize: 200, lr: 1, tvWeight: 0, init: 'noise' });
  });

  it('rejects bad values sharp-style, naming the valid choices, and unknown keys', () => {
    const bad = (s: Parameters<typeof resolveOptions>[0], o: object, ctx = { platform: 'node' as const }) => () => resolveOptions(s, o, ctx);
    expect(bad(STYLIZE_SCHEMA, { quality: 0 })).toThrow("Expected integer between 1 and 100 for quality but received 0 of type number");
    expect(bad(STYLIZE_SCHEMA, { format: 'gif' })).toThrow("Expected one of png, jpeg, webp, avif, tiff for format but received 'gif' of type string");
    expect(bad(STYLIZE_SCHEMA, { maxPixels: 0 })).toThrow(/Expected integer between 1 and 2147483647 for maxPixels/);
    expect(bad(STYLIZE_SCHEMA, { maxPixels: false })).toThrow(/for maxPixels but received false of type boolean/);
    expect(bad(STYLIZE_SCHEMA, { maxsize: 10 })).toThrow("Unknown option 'maxsize' for stylizing an image; valid options: maxSize, maxPixels, format, quality");
    expect(bad(SESSION_SCHEMA, { intraOpNumThreads: 1000 })).toThrow(/integer between 0 and 256 for intraOpNumThreads/);
    expect(bad(NST_RUN_SCHEMA, { lr: 0 })).toThrow(/finite number greater than 0 for lr/);
    expect(() => resolveOptions(NST_RUN_SCHEMA, { init: 'content' }, { platform: 'node', mode: 'style' })).toThrow(/'noise' or an image for style reconstruction for init/);
    expect(() => resolveOptions(NST_RUN_SCHEMA, { init: { width: 2 } }, { platform: 'node' })).toThrow(/'noise', 'content', 'colors' or a RawImage/);
    expect(() => resolveOptions(STYLIZE_SCHEMA, 'png' as never)).toThrow(/Expected an object of stylizing an image/);
  });
});
