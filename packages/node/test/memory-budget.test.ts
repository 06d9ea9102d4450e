// The memory budget in containers, a budget the environment gets wrong, runs that run out of
// memory anyway (retried in tiles), and hints that name what the caller can change. The cgroup
// case runs the BUILT CLI (`npm run build` first) in a real memory cgroup where this machine lets a
// test make one (root with cgroup v1 or v2 writable); the rest run everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { FastStyle, ImpastoError, ModelStore, type RawImage } from '@impasto/node';
import { nodeBackend } from '@impasto/node/platform';
import { type Backend, type Session } from '@impasto/core/platform';
import { defaultMemoryBudget, memoryBudgetFromEnv, memoryLeft } from '../src/platform/memory-budget';
import { flagNames } from '../src/cli/errors';
import { WEIGHTS, tempDir } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'packages/node/bin/impasto.cjs');
const MiB = 2 ** 20;
const CACHE = tempDir('impasto-memory-cache-');
const store = new ModelStore({ cacheDir: CACHE, mirror: WEIGHTS, download: false });

function cli(args: string[], env: Record<string, string> = {}, wrap?: (argv: string[]) => string[]) {
  const argv = [process.execPath, BIN, ...args];
  const [cmd, ...rest] = wrap ? wrap(argv) : argv;
  const r = spawnSync(cmd!, rest, { cwd: ROOT, env: { ...process.env, IMPASTO_CACHE: CACHE, IMPASTO_WEIGHTS: WEIGHTS, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr, lines: r.stderr.split('\n').filter((l) => l.startsWith('impasto:')) };
}

async function flatImage(file: string, side: number): Promise<string> {
  await sharp({ create: { width: side, height: side, channels: 3, background: { r: 120, g: 80, b: 200 } } }).png().toFile(file);
  return file;
}

describe('the default budget', () => {
  const GB = 1e9;
  const readings = (o: { free: number; available?: number; constrained?: number; rss?: number }) => ({
    free: () => o.free,
    available: o.available === undefined ? undefined : () => o.available!,
    constrained: o.constrained === undefined ? undefined : () => o.constrained,
    total: () => 32 * GB,
    rss: () => o.rss ?? 0.3 * GB,
  });

  it('is the smaller of the free memory and what the container leaves', () => {
    expect(memoryLeft(readings({ free: 20 * GB, available: 1.2 * GB }))).toBe(1.2 * GB);
    expect(memoryLeft(readings({ free: 0.5 * GB, available: 1.2 * GB }))).toBe(0.5 * GB);
    // Node without availableMemory: the limit less this process's own use.
    expect(memoryLeft(readings({ free: 20 * GB, constrained: 1.5 * GB, rss: 0.25 * GB }))).toBe(1.25 * GB);
    // No limit: constrainedMemory says 2^64 (or 0).
    expect(memoryLeft(readings({ free: 20 * GB, constrained: 2 ** 64 }))).toBe(20 * GB);
    expect(memoryLeft(readings({ free: 20 * GB, constrained: 0 }))).toBe(20 * GB);
    expect(memoryLeft(readings({ free: 20 * GB }))).toBe(20 * GB);
    expect(defaultMemoryBudget(undefined, readings({ free: 20 * GB, available: 1 * GB }))).toBe(0.8 * GB);
  });

  it('IMPASTO_MEMORY_BUDGET is a whole number of MiB or an error, never ignored', () => {
    expect(memoryBudgetFromEnv(undefined)).toBeUndefined();
    expect(memoryBudgetFromEnv('')).toBeUndefined();
    expect(memoryBudgetFromEnv(' 512 ')).toBe(512 * MiB);
    for (const bad of ['lots', '1e3', '15', '-5', '512MB', '0x200', '3.5']) {
      expect(() => memoryBudgetFromEnv(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^IMPASTO_MEMORY_BUDGET must be a whole number of MiB between 16 and \d+, but is '/) }));
    }
    const r = cli(['fst', join(ROOT, 'docs/figures/fst-styles.jpg'), '-s', 'wave', '-o', join(tempDir(), 'o.png'), '--max-size', '32'], { IMPASTO_MEMORY_BUDGET: 'lots' });
    expect({ code: r.code, lines: r.lines }).toEqual({ code: 1, lines: [expect.stringMatching(/IMPASTO_MEMORY_BUDGET must be a whole number of MiB .* but is 'lots'/)] });
  });
});

/** A memory cgroup limited to `mib`, or why none can be made here. */
function memoryCgroup(mib: number): { run(argv: string[]): string[]; peak(): number; oomKills(): number; remove(): void } | string {
  const name = `impasto-test-${process.pid}-${Date.now()}`;
  const v1 = '/sys/fs/cgroup/memory';
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  const v2ok = existsSync(join(v2, 'cgroup.controllers')) && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory');
  const tries: [string, () => { dir: string; files: { limit: string; peak: string; events: string } }][] = [
    [v1, () => ({ dir: join(v1, name), files: { limit: 'memory.limit_in_bytes', peak: 'memory.max_usage_in_bytes', events: 'memory.oom_control' } })],
    ...(v2ok ? [[v2, () => ({ dir: join(v2, name), files: { limit: 'memory.max', peak: 'memory.peak', events: 'memory.events' } })] as [string, () => { dir: string; files: { limit: string; peak: string; events: string } }]] : []),
  ];
  const errors: string[] = [];
  for (const [root, layout] of tries) {
    if (!existsSync(root)) continue;
    const { dir, files } = layout();
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, files.limit), String(mib * MiB));
      // No swap, where the controller has it: the limit is then a limit.
      try {
        writeFileSync(join(dir, 'memory.swappiness'), '0');
      } catch {
        /* v2 has no swappiness file */
      }
      return {
        run: (argv) => ['sh', '-c', `echo $$ > ${join(dir, 'cgroup.procs')} && exec "$@"`, 'sh', ...argv],
        peak: () => Number(readFileSync(join(dir, files.peak), 'utf8')),
        oomKills: () => Number(/oom_kill (\d+)/.exec(readFileSync(join(dir, files.events), 'utf8'))?.[1] ?? 0),
        remove: () => rmdirSync(dir),
      };
    } catch (e) {
      errors.push(`${root}: ${(e as Error).message}`);
    }
  }
  return errors.join('; ') || 'no memory cgroup hierarchy here';
}

describe('in a container', () => {
  it('a 1024² fast style in a 640 MiB memory cgroup plans for the cgroup and finishes in tiles; planning for the host is OOM-killed', async () => {
    const group = memoryCgroup(640);
    if (typeof group === 'string') {
      // The readings the budget takes from a container are faked above; this needs a cgroup to make.
      console.warn(`no memory cgroup could be made here (${group}): the real-container case is not run`);
      return;
    }
    try {
      const dir = tempDir();
      const photo = await flatImage(join(dir, 'photo.png'), 1024);
      const ok = cli(['fst', photo, '-s', 'wave', '-o', join(dir, 'out.png')], {}, group.run);
      expect({ code: ok.code, signal: ok.signal, lines: ok.lines }).toEqual({ code: 0, signal: null, lines: [] });
      expect(await sharp(join(dir, 'out.png')).metadata()).toMatchObject({ width: 1024, height: 1024 });
      expect(group.peak()).toBeLessThanOrEqual(640 * MiB);
      expect(group.oomKills()).toBe(0);
      // The control: a budget that ignores the container (as before) gets the process killed.
      const killed = cli(['fst', photo, '-s', 'wave', '-o', join(dir, 'killed.png')], { IMPASTO_MEMORY_BUDGET: '20000' }, group.run);
      expect(killed.code === 137 || killed.signal === 'SIGKILL').toBe(true);
      expect(group.oomKills()).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'killed.png'))).toBe(false);
    } finally {
      group.remove();
    }
  }, 300_000);
});

/** A backend whose sessions run out of memory on inputs of more than `maxPixels` (as under `ulimit -v`), counting trims. */
function tightBackend(maxPixels: number): Backend & { trims: number; failures: number } {
  const b = {
    name: 'tight',
    providers: nodeBackend.providers,
    trims: 0,
    failures: 0,
    async createSession(model: Uint8Array, options?: object): Promise<Session> {
      const s = await nodeBackend.createSession(model, options);
      return {
        provider: s.provider,
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        run: async (feeds, outputs) => {
          const image = Object.values(feeds).find((t) => t.dims.length === 4 && t.dims[1] === 3);
          if (image && image.dims[2]! * image.dims[3]! > maxPixels) {
            b.failures++;
            throw new ImpastoError('IMAGE_TOO_LARGE', 'ONNX Runtime ran out of memory on cpu (Failed to allocate memory for requested buffer of size 805306368)');
          }
          return s.run(feeds, outputs);
        },
        runKept: async (feeds, outputs) => {
          return s.runKept(feeds, outputs);
        },
        trim: async () => {
          b.trims++;
          await s.trim();
        },
        dispose: () => s.dispose(),
      };
    },
  };
  return b;
}

describe('running out of memory anyway', () => {
  let photo: RawImage;
  beforeAll(async () => {
    const { data, info } = await sharp(join(WEIGHTS, '../images/content/skimage_astronaut.png')).resize(384, 384).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    photo = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  });

  it('a one-pass fast style that runs out of memory is retried in tiles, after giving its arena back', async () => {
    // One pass (384²) and tiles of 192 (read with their overlap: 320²) run out; tiles of 96 (224²) fit.
    const tight = tightBackend(250 * 250);
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store, backend: tight });
    const plain = await FastStyle.load('wave', { ep: 'cpu' }, { store });
    try {
      const { image: out, tiles } = await fst.stylizeWithInfo(photo, { memoryBudget: 100_000 });
      expect(tiles).toBeGreaterThan(1);
      expect(tight.failures).toBe(2);
      expect(tight.trims).toBe(1);
      // The retry's tiles: the same as asking for them.
      const asked = await plain.stylize(photo, { tile: 96 });
      expect(Buffer.from(out.data).equals(Buffer.from(asked.data))).toBe(true);
      expect([out.width, out.height]).toEqual([384, 384]);
    } finally {
      await fst.dispose();
      await plain.dispose();
    }
  });

  it('when tiles run out too: IMAGE_TOO_LARGE naming a size and tiles to try, as flags in the CLI', async () => {
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store, backend: tightBackend(16) });
    try {
      const e = (await fst.stylize(photo, { memoryBudget: 100_000 }).catch((x: unknown) => x)) as ImpastoError;
      expect(e).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
      // Tiles of 192, then 96; 48 would be below the minimum, so no smaller tile is advised.
      expect(e.message).toMatch(/^ran out of memory for fast style transfer at 384x384 in tiles of 96 \(.*\); try maxSize 192 \(the longest side is 384\)$/);
      expect(e.messageFor(flagNames)).toMatch(/; try --max-size 192 \(/);
      // A tile size the caller chose is not second-guessed.
      const chosen = (await fst.stylize(photo, { memoryBudget: 100_000, tile: 128 }).catch((x: unknown) => x)) as ImpastoError;
      expect(chosen.message).toMatch(/in tiles of 128 .*try maxSize 192, or tile 64 /);
      expect(chosen.messageFor(flagNames)).toMatch(/try --max-size 192, or --tile 64 /);
    } finally {
      await fst.dispose();
    }
  });

  it('the CLI names its flags and never advises tiles below the minimum', async () => {
    const dir = tempDir();
    const photo1024 = await flatImage(join(dir, 'photo.png'), 1024);
    const r = cli(['fst', photo1024, '-s', 'wave', '-o', join(dir, 'out.png'), '--tile', '64', '--memory-budget', '64']);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/in tiles of 64 needs about .* more than the memory budget of .*; raise --memory-budget \d+$/)]);
    expect(r.lines[0]).not.toMatch(/smaller tiles|--tile|maxSize|memoryBudget/);
    const small = cli(['fst', photo1024, '-s', 'wave', '-o', join(dir, 'out.png'), '--memory-budget', '100']);
    expect(small.code).toBe(1);
    expect(small.lines).toEqual([expect.stringMatching(/; shrink the image with --max-size \d+, or raise --memory-budget \d+$/)]);
    // What it advises works.
    const advised = Number(/--max-size (\d+)/.exec(small.lines[0]!)![1]);
    expect(cli(['fst', photo1024, '-s', 'wave', '-o', join(dir, 'out.png'), '--memory-budget', '100', '--max-size', String(advised)]).code).toBe(0);
  }, 120_000);
});
