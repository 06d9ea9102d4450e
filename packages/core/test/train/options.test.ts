import type { ResolvedTrainOptions } from '../../src/options/generated';
import { resolveOptions } from '../../src/options/schema';
import { TRAIN_SCHEMA, withPreset } from '../../src/train/options';

const settings = (o: object) => withPreset(resolveOptions<ResolvedTrainOptions>(TRAIN_SCHEMA, o));

describe('training presets', () => {
  it("default to impasto's content weight, with lengstrom's style, TV and Adam", () => {
    const s = settings({});
    expect([s.preset, s.contentWeight, s.styleWeight, s.tvWeight, s.lr]).toEqual(['impasto', 150, 100, 200, 1e-3]);
  });

  it("take lengstrom's content weight with his preset, and a given weight over either", () => {
    expect(settings({ preset: 'lengstrom' }).contentWeight).toBe(7.5);
    expect(settings({ preset: 'lengstrom', contentWeight: 30 }).contentWeight).toBe(30);
    expect(settings({ contentWeight: 0 }).contentWeight).toBe(0);
  });

  it('refuse an unknown preset in one line naming the choices', () => {
    expect(() => settings({ preset: 'johnson' })).toThrow(/impasto, lengstrom for preset/);
  });
});
