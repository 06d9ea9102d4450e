import { join } from 'node:path';
import { NST_PRESETS, NST_SCHEMA, resolveOptions } from '@impasto/core/platform';
import { Command } from 'commander';
import { addSchemaFlags } from '../../src/cli/schema-flags';
import { CONTENT, SHARED, runCli, tempDir } from '../helpers';

describe('presets under flags', () => {
  it('take only the flags the user typed, not the schema defaults that --help shows', () => {
    const cmd = new Command().exitOverride();
    const flags = addSchemaFlags(cmd, NST_SCHEMA, { only: ['styleWeight', 'photorealism', 'iterations'] });
    cmd.parse(['--iterations', '5'], { from: 'user' });
    expect(cmd.opts().styleWeight).toBe(1000); // commander fills the default in …
    expect({ ...NST_PRESETS.photo, ...flags.pick(cmd.opts()) }).toMatchObject({ styleWeight: 500, photorealism: (1e4 * 255) / 2, iterations: 5 }); // … the preset keeps its own
  });
});

describe('--preset seed', () => {
  it("is the seed's figure 6 in Impasto's units", () => {
    const o = resolveOptions<Record<string, unknown>>(NST_SCHEMA, { ...NST_PRESETS.seed }, { platform: 'node', mode: 'transfer' });
    expect(o).toMatchObject({ net: 'vgg19', contentLayers: ['23'], styleLayers: ['2', '7', '12', '21', '30'], tvWeight: 0, init: 'noise', optimizer: 'adam' });
    // 20 on the sum of five layer losses is 100 on their mean.
    expect(o.styleWeight).toBe(20 * (o.styleLayers as string[]).length);
  });

  it('runs from the CLI under explicit flags, and names its choices when wrong', () => {
    const out = join(tempDir(), 'seed.png');
    const photo = join(CONTENT, 'skimage_chelsea.png');
    const wave = join(SHARED, 'images', 'style', 'lengstrom_wave.jpg');
    const r = runCli('nst', '-c', photo, '-s', wave, '--preset', 'seed', '--size', '32', '--iterations', '2', '--checkpoint', '0', '-o', out);
    expect(r.code === 0 ? '' : r.stderr).toBe('');
    const bad = runCli('nst', '-c', photo, '-s', wave, '--preset', 'owl', '-o', out);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/seed/);
  }, 120_000);
});
