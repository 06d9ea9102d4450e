/**
 * `npm run bench -- serve`: the service's throughput and latency for fast style at 512², with 1
 * and 2 engine processes, embedded and through Redis (BullMQ, `impasto worker`), against the
 * library in a loop in one process, in the same run, rounds alternating. Servers and workers are
 * started as a user starts them (the built CLI); the client is `ImpastoClient`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImpastoClient } from '@impasto/core/client';
import { REPO } from '../paths';

type Row = Record<string, string | number>;
type RunCase = (script: string, args: (string | number)[]) => Record<string, any>;

const BIN = join(REPO, 'packages/node/bin/impasto.cjs');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const median = (xs: number[]) => pct(xs, 0.5);

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

function start(args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((ok, fail) => {
    child.stderr!.on('data', (b: Buffer) => {
      log += b.toString('utf8');
      if (ready.test(log)) ok(child);
    });
    child.on('exit', () => fail(new Error(`impasto ${args[0]} exited: ${log}`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((ok) => (c.exitCode !== null ? ok() : (c.once('exit', () => ok()), c.kill('SIGTERM'))))));
}

/** One configuration of the service, started, measured and stopped. */
async function measureService(image: Uint8Array, o: { processes: number; redis?: string }, jobs: number): Promise<{ latenciesMs: number[]; jobsPerS: number }> {
  const port = await freePort();
  const threads = Math.max(1, Math.floor(availableParallelism() / o.processes));
  const children: ChildProcess[] = [];
  try {
    if (o.redis) {
      children.push(await start(['serve', '--port', String(port), '--redis', o.redis, '--workers', '0'], /serving on/));
      children.push(await start(['worker', '--redis', o.redis, '--concurrency', String(o.processes), '--threads', String(threads)], /worker on/));
    } else {
      children.push(await start(['serve', '--port', String(port), '--workers', String(o.processes), '--threads', String(threads)], /serving on/));
    }
    const client = new ImpastoClient({ baseUrl: `http://127.0.0.1:${port}` });
    const one = async () => {
      const t0 = performance.now();
      await client.run({ kind: 'fst', image, style: 'wave', options: { format: 'png' } }).result;
      return performance.now() - t0;
    };
    // Warm every engine process.
    await Promise.all(Array.from({ length: o.processes * 2 }, one));
    const latenciesMs: number[] = [];
    for (let i = 0; i < jobs; i++) latenciesMs.push(await one());
    // Throughput: enough clients to keep every process busy.
    const t0 = performance.now();
    let left = jobs;
    await Promise.all(Array.from({ length: o.processes * 2 }, async () => {
      while (left-- > 0) await one();
    }));
    return { latenciesMs, jobsPerS: (jobs * 1000) / (performance.now() - t0) };
  } finally {
    await stopAll(children.reverse());
  }
}

/** The rows: per configuration the medians over rounds of p50, p95 and jobs/s, and the overhead against the library. */
export async function serveSection({ quick, runCase, image, imagePath }: { quick: boolean; runCase: RunCase; image: Uint8Array; imagePath: string }): Promise<{ rows: Row[]; rounds: Row[] }> {
  const rounds = quick ? 1 : 3;
  const jobs = quick ? 8 : 20;
  const redisPort = await freePort();
  const redisDir = mkdtempSync(join(tmpdir(), 'impasto-bench-redis-'));
  const hasRedis = !spawnSync('redis-server', ['--version']).error;
  const redis = hasRedis ? spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--dir', redisDir], { stdio: 'ignore' }) : undefined;
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${redisPort}`;
  const configs = [
    { name: 'embedded, 1 process', processes: 1 },
    { name: 'embedded, 2 processes', processes: 2 },
    ...(hasRedis ? [{ name: 'Redis, 1 worker process', processes: 1, redis: url }, { name: 'Redis, 2 worker processes', processes: 2, redis: url }] : []),
  ];
  const all: Row[] = [];
  const results = new Map<string, { p50: number[]; p95: number[]; rate: number[] }>();
  const put = (name: string, lat: number[], rate: number) => {
    const r = results.get(name) ?? { p50: [], p95: [], rate: [] };
    r.p50.push(median(lat));
    r.p95.push(pct(lat, 0.95));
    r.rate.push(rate);
    results.set(name, r);
    all.push({ config: name, 'p50 ms': median(lat), 'p95 ms': pct(lat, 0.95), 'jobs/s': rate });
  };
  try {
    for (let round = 0; round < rounds; round++) {
      const lib = runCase('serve-library-case.ts', [imagePath, jobs]).latenciesMs as number[];
      put('library loop, one process', lib, 1000 / median(lib));
      for (const c of configs) {
        const r = await measureService(image, c, jobs);
        put(c.name, r.latenciesMs, r.jobsPerS);
      }
    }
  } finally {
    redis?.kill('SIGTERM');
  }
  const lib = median(results.get('library loop, one process')!.p50);
  const rows: Row[] = [...results.entries()].map(([config, r]) => ({
    config,
    'p50 ms': Math.round(median(r.p50)),
    'p95 ms': Math.round(median(r.p95)),
    'jobs/s': Number(median(r.rate).toFixed(2)),
    'p50 overhead vs library': config.startsWith('library') ? '-' : `${(((median(r.p50) - lib) / lib) * 100).toFixed(1)} %`,
  }));
  if (!hasRedis) rows.push({ config: 'Redis: redis-server not installed', 'p50 ms': '', 'p95 ms': '', 'jobs/s': '', 'p50 overhead vs library': '' });
  return { rows, rounds: all };
}
