import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Row = Record<string, string | number>;
type RunCase = (script: string, args: (string | number)[]) => Record<string, any>;

const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';

/**
 * One fast-style training step (VGG19 loss, Adam) in Impasto against the same step in PyTorch CPU
 * (scripts/bench/train-torch.py), both on 2 intra-op threads, alternating processes over rounds.
 * PyTorch runs with glibc's allocator and with jemalloc keeping freed memory (what ONNX Runtime's
 * arena does), the like-for-like peer.
 */
export function trainSection({ quick, runCase, root, python }: { quick: boolean; runCase: RunCase; root: string; python: string }): { rows: Row[]; rounds: Row[] } {
  const torch = (size: number, batch: number, steps: number, jemalloc: boolean): Record<string, any> => {
    const env = { ...process.env, IMPASTO_THREADS: '2', ...(jemalloc ? { LD_PRELOAD: JEMALLOC, MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:-1' } : {}) };
    const r = spawnSync(python, [join(root, 'scripts/bench/train-torch.py'), String(size), String(batch), String(steps)], { cwd: root, encoding: 'utf8', env, maxBuffer: 1 << 24 });
    const line = r.stdout?.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (r.status === 0 && line) return JSON.parse(line);
    return { failed: (r.stderr ?? '').trim().split('\n').pop()?.slice(0, 80) || `exit ${r.status}`, msPerStep: NaN };
  };
  const peers: [string, boolean][] = [['PyTorch CPU, jemalloc keeping freed memory', true], ['PyTorch CPU, glibc malloc', false]].filter(([, j]) => !j || existsSync(JEMALLOC)) as [string, boolean][];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const rows: Row[] = [];
  const rounds: Row[] = [];
  for (const size of quick ? [128] : [128, 256]) {
    const batch = 4;
    const steps = size >= 256 ? 3 : 5;
    const impasto: Record<string, any>[] = [];
    const peer: Record<string, any>[][] = peers.map(() => []);
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      process.env.IMPASTO_THREADS = '2';
      impasto.push(runCase('train-case.ts', [size, batch, steps]));
      peers.forEach(([, jemalloc], i) => peer[i]!.push(torch(size, batch, steps, jemalloc)));
      rounds.push({ size, round, impasto: impasto[round]!.msPerStep, ...Object.fromEntries(peers.map(([name], i) => [name, peer[i]![round]!.msPerStep])) });
    }
    const ms = median(impasto.map((r) => r.msPerStep));
    peers.forEach(([name], i) => {
      const failed = peer[i]!.find((r) => r.failed)?.failed;
      if (failed) return void rows.push({ size: `${size}², batch ${batch}`, peer: `${name}: ${failed}` });
      const p = median(peer[i]!.map((r) => r.msPerStep));
      const paired = impasto.map((r, k) => r.msPerStep / peer[i]![k]!.msPerStep);
      rows.push({
        size: `${size}², batch ${batch}`,
        peer: name,
        'impasto ms / step': ms,
        'peer ms / step': p,
        'impasto / peer': ms / p,
        'per round': `${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}`,
        'impasto peak RSS MiB': Math.max(...impasto.map((r) => r.peakRssMiB)),
        'peer peak RSS MiB': Math.max(...peer[i]!.map((r) => r.peakRssMiB)),
      });
    });
  }
  return { rows, rounds };
}
