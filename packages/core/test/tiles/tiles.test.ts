import { TileCompositor } from '../../src/tiles/compositor';
import { planTiles, spanReach, spanWeights } from '../../src/tiles/plan';
import { StatisticsPool } from '../../src/tiles/shared-statistics';
import { regionToTensor } from '../../src/image/raw-image';
import { Graph, subgraph } from '../../src/onnx/graph';
import { float32 } from '../../src/onnx/tensor';
import { MIN_TILE, checkMemory, estimateMemory, planTileSize } from '../../src/runtime/memory';
import type { ImpastoError } from '../../src/errors';
import { Rng } from '../../src/optim/rng';

describe('tile plan', () => {
  it('partitions each axis into aligned cores no larger than the tile, read with the overlap', () => {
    for (const [length, tile] of [[1000, 256], [10, 4], [8192, 1024], [8190, 1000], [13, 4]] as const) {
      const { rows } = planTiles(length, length, { tile, overlap: 8, align: 4 });
      expect(rows[0]!.coreStart).toBe(0);
      expect(rows.at(-1)!.coreEnd).toBe(length);
      for (const [k, s] of rows.entries()) {
        expect(s.coreEnd - s.coreStart).toBeGreaterThan(0);
        expect(s.coreEnd - s.coreStart).toBeLessThanOrEqual(tile);
        expect(s.coreStart % 4).toBe(0);
        expect(s.readStart % 4).toBe(0);
        expect(s.readStart).toBe(Math.max(0, s.coreStart - 8));
        expect(s.readEnd).toBe(Math.min(length, s.coreEnd + 8));
        if (k) expect(s.coreStart).toBe(rows[k - 1]!.coreEnd);
      }
    }
  });

  it('has blending weights that sum to one at every pixel', () => {
    const length = 1000;
    const plan = planTiles(length, length, { tile: 256, overlap: 32, align: 4 });
    const sum = new Float64Array(length);
    for (const s of plan.columns) {
      const w = spanWeights(s, length, plan.feather);
      const [a, b] = spanReach(s, length, plan.feather);
      for (let i = 0; i < w.length; i++) {
        const x = s.readStart + i;
        if (x < a || x >= b) expect(w[i]).toBe(0);
        sum[x]! += w[i]!;
      }
    }
    expect(Math.max(...sum.map((v) => Math.abs(v - 1)))).toBeLessThan(1e-6);
  });

  it('refuses a tile or overlap off the alignment grid', () => {
    expect(() => planTiles(100, 100, { tile: 30, overlap: 8, align: 4 })).toThrow(/multiple of 4/);
    expect(() => planTiles(100, 100, { tile: 32, overlap: 6, align: 4 })).toThrow(/overlap/);
  });
});

describe('tile compositor', () => {
  it('puts an image back together exactly from overlapping tiles, alpha kept', () => {
    const [width, height] = [301, 203];
    const data = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 7919) % 256);
    const image = { data, width, height, channels: 4 as const };
    const plan = planTiles(width, height, { tile: 64, overlap: 16, align: 4 });
    const out = new TileCompositor(width, height, image);
    for (const [r, row] of plan.rows.entries()) {
      for (const column of plan.columns) {
        const tile = regionToTensor(image, column.readStart, row.readStart, column.readEnd - column.readStart, row.readEnd - row.readStart);
        out.add(tile, column.readStart, row.readStart, spanWeights(column, width, plan.feather), spanWeights(row, height, plan.feather), spanReach(column, width, plan.feather), spanReach(row, height, plan.feather));
      }
      const next = plan.rows[r + 1];
      out.flush(next ? spanReach(next, height, plan.feather)[0] : height);
    }
    expect(Buffer.from(out.image.data).equals(Buffer.from(data))).toBe(true);
  });

  it('refuses rows it has already written', () => {
    const out = new TileCompositor(4, 4);
    out.flush(2);
    expect(() => out.add(float32([1, 3, 4, 4]), 0, 0, new Float32Array(4), new Float32Array(4), [0, 4], [0, 4])).toThrow(/already written/);
  });
});

describe('statistics pool', () => {
  it('pools per-tile moments about a fed mean into the whole-image mean and biased variance', () => {
    const rng = new Rng(3);
    const values = rng.fillGaussian(new Float32Array(6000), 5, 40);
    const parts = [values.subarray(0, 1000), values.subarray(1000, 3500), values.subarray(3500)];
    const fedMean = 38.5;
    const pool = new StatisticsPool([{ name: 'l', channels: 1 }]);
    const fed = new Map([['l', { mean: Float64Array.of(fedMean), variance: Float64Array.of(1) }]]);
    for (const p of parts) {
      const d = p.reduce((a, v) => a + (v - fedMean), 0) / p.length;
      const q = p.reduce((a, v) => a + (v - fedMean) ** 2, 0) / p.length;
      pool.add({ 'l.deviation': float32([1], [d]), 'l.square': float32([1], [q]) }, p.length, fed);
    }
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    const r = pool.result().get('l')!;
    expect(r.mean[0]).toBeCloseTo(mean, 4);
    expect(r.variance[0]! / variance).toBeCloseTo(1, 5);
  });
});

describe('subgraph', () => {
  it('keeps only what the chosen outputs need', () => {
    const g = new Graph('g');
    const x = g.input('x', 'float32', [2]);
    const unused = g.input('unused', 'float32', [2]);
    const a = g.op('Relu', [x]);
    g.output(g.op('Neg', [a]), 'first');
    g.output(g.op('Add', [a, g.op('Abs', [unused])]), 'second');
    const sub = subgraph(g, ['first']);
    expect(sub.inputs.map((i) => i.name)).toEqual(['x']);
    expect(sub.outputs.map((o) => o.name)).toEqual(['first']);
    expect(sub.nodes.map((n) => n.opType)).toEqual(['Relu', 'Neg', 'Identity']);
    expect(() => subgraph(g, ['third'])).toThrow(/no output 'third'/);
  });
});

describe('tile size from the memory budget', () => {
  const MiB = 2 ** 20;
  it('runs one pass when the image fits, else the largest tiles that fit, up to 1024', () => {
    expect(planTileSize('fst', 'fst', 512, 512, 4096 * MiB, { overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })).toBeUndefined();
    expect(planTileSize('fst', 'fst', 8192, 8192, 32 * 1024 * MiB, { overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })).toBe(1024);
    const t = planTileSize('fst', 'fst', 8192, 8192, 800 * MiB, { overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })!;
    expect(t % 4).toBe(0);
    expect(t).toBeLessThan(1024);
    expect(estimateMemory('fst', t + 128, t + 128) + 8192 * 8192 * 3 + (t + 128) * 8192 * 12).toBeLessThanOrEqual(800 * MiB);
  });

  it('checks a tile size given, and says what to change when nothing fits', () => {
    expect(planTileSize('fst', 'fst', 512, 512, 4096 * MiB, { tile: 256, overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })).toBe(256);
    expect(planTileSize('fst', 'fst', 512, 512, 4096 * MiB, { tile: 512, overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })).toBeUndefined();
    expect(() => planTileSize('fst', 'fast style transfer', 8192, 8192, 100 * MiB, { overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })).toThrow(/IMAGE_TOO_LARGE|memory budget/);
    expect(() => planTileSize('fst', 'fast style transfer', 8192, 8192, 500 * MiB, { tile: 2048, overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 })).toThrow(/use tile \d+/);
  });

  /** The advice of the IMAGE_TOO_LARGE `plan` throws, as `{ tile, maxSize, memoryBudget }` numbers. */
  const adviceOf = (plan: () => unknown) => {
    try {
      plan();
    } catch (e) {
      const advice: Record<string, number> = {};
      (e as ImpastoError).messageFor((option, value) => ((advice[option] = Number(value)), `<${option}>`));
      return { advice, cli: (e as ImpastoError).messageFor((o, v) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${v === undefined ? '' : ` ${v}`}`) };
    }
    throw new Error('it did not throw');
  };
  const costs = { overlap: 64, imageBytesPerPixel: 3, bandBytesPerPixel: 12 };

  it('advises only what fits: each tile, size and budget it names is accepted when tried', () => {
    for (const [w, h, mib, tile] of [[8192, 8192, 500, 2048], [8192, 8192, 300, 2048], [8192, 8192, 300, 64], [4096, 1024, 60, undefined], [8192, 8192, 100, undefined]] as const) {
      const { advice } = adviceOf(() => planTileSize('fst', 'fst', w, h, mib * MiB, { ...costs, tile }));
      expect(advice.memoryBudget).toBeGreaterThan(mib);
      expect(() => planTileSize('fst', 'fst', w, h, advice.memoryBudget! * MiB, { ...costs, tile })).not.toThrow();
      if (advice.tile !== undefined) {
        expect(advice.tile).toBeGreaterThanOrEqual(MIN_TILE);
        expect(advice.tile).toBeLessThan(tile ?? Infinity);
        expect(() => planTileSize('fst', 'fst', w, h, mib * MiB, { ...costs, tile: advice.tile })).not.toThrow();
      }
      if (advice.maxSize !== undefined) {
        const s = advice.maxSize / Math.max(w, h);
        expect(() => planTileSize('fst', 'fst', Math.floor(w * s), Math.floor(h * s), mib * MiB, costs)).not.toThrow();
      }
    }
  });

  it('never advises smaller tiles below the minimum: tile 64 over budget names the size and the budget', () => {
    const { advice, cli } = adviceOf(() => planTileSize('fst', 'fst', 8192, 8192, 200 * MiB, { ...costs, tile: 64 }));
    expect(advice.tile).toBeUndefined();
    expect(cli).toMatch(/in tiles of 64 .*; shrink the image with --max-size \d+, or raise --memory-budget \d+$/);
  });

  it('names the option that sizes the run: size for NST', () => {
    const { cli } = adviceOf(() => checkMemory('nst-vgg19', 'neural style transfer', 2048, 2048, 200 * MiB, 'size'));
    expect(cli).toMatch(/the largest that fits is \d+x\d+: try --size \d+, or raise --memory-budget \d+/);
  });
});
