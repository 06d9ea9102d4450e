// `impasto serve --redis` with `impasto worker` processes, all as a user starts them (the BUILT CLI),
// on a redis-server of the test's own: every job ends succeeded when a worker is SIGKILLed mid-job,
// queued jobs survive a Redis restart (AOF), SIGTERM lets the running job finish, cancel works
// across processes, and the results equal the library's.
import { type ChildProcess, spawn } from 'node:child_process';

import { join } from 'node:path';
import sharp from 'sharp';
import { FastStyle, ModelStore } from '@impasto/node';
import { BIN, CONTENT, ROOT, STYLES, WEIGHTS, type TestRedis, eventually, finished, freePort, getJson, postJob, requireBuild, startRedis, tempDir } from './helpers';

requireBuild();
const SMALL = join(CONTENT, 'ml5_harriet_128x128.jpg');
const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const PAINTING = join(STYLES, 'jcjohnson_starry_night.jpg');
const CACHE = tempDir('impasto-redis-cache-');

interface Proc {
  readonly child: ChildProcess;
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `impasto <args>` as a user runs it; waits for its ready line. */
async function impasto(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, IMPASTO_CACHE: CACHE, IMPASTO_WEIGHTS: WEIGHTS, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  if (!(await eventually(() => ready.test(log) || child.exitCode !== null, 30_000))) throw new Error(`impasto ${args[0]} did not start: ${log}`);
  if (child.exitCode !== null) throw new Error(`impasto ${args[0]} exited: ${log}`);
  return { child, log: () => log, exited };
}

const startWorker = (redis: TestRedis) => impasto(['worker', '--redis', redis.url, '--concurrency', '1', '--threads', '1'], /worker on redis/, { IMPASTO_LOCK_MS: '3000' });

async function stop(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

describe('impasto serve --redis with impasto worker processes', () => {
  let redis: TestRedis;
  let server: Proc;
  let base: string;
  const workers: Proc[] = [];
  beforeAll(async () => {
    redis = await startRedis({ appendonly: true });
    const port = await freePort();
    server = await impasto(['serve', '--redis', redis.url, '--workers', '0', '--port', String(port), '--data', tempDir()], /serving on/);
    base = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await stop(w, 'SIGKILL');
    await stop(server);
    await redis?.stop();
  }, 60_000);

  it('with two workers a job finishes, and its output equals the library\'s', async () => {
    workers.push(await startWorker(redis), await startWorker(redis));
    const r = await postJob(base, { kind: 'fst', style: 'wave', image: { file: PHOTO } }, { prefer: 'wait' });
    expect(r.body.status).toBe('succeeded');
    const out = await sharp(new Uint8Array(await (await fetch(`${base}${r.body.output.url}`)).arrayBuffer())).removeAlpha().raw().toBuffer();
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store: new ModelStore({ cacheDir: CACHE, mirror: WEIGHTS, download: false }) });
    const expected = await fst.stylize(PHOTO);
    await fst.dispose();
    let s = 0;
    for (let i = 0; i < out.length; i++) s += Math.abs(out[i]! - expected.data[i]!);
    expect(s / out.length).toBeLessThanOrEqual(1);
    expect((await getJson(`${base}/healthz`)).body).toMatchObject({ status: 'ok', driver: 'redis' });
  }, 120_000);

  it('a worker SIGKILLed mid-job: every job still ends succeeded, none lost', async () => {
    const options = JSON.stringify({ net: 'squeezenet', size: 64, iterations: 150, checkpointEvery: 0 });
    const subs: Awaited<ReturnType<typeof postJob>>[] = [];
    for (let i = 0; i < 4; i++) subs.push(await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options }));
    // Both workers busy: kill one while its job runs.
    expect(await eventually(async () => (await Promise.all(subs.map((s) => getJson(`${base}/v1/jobs/${s.body.id}`)))).filter((j) => j.body.progress?.done > 5).length >= 1, 60_000)).toBe(true);
    const victim = workers.shift()!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const jobs = await Promise.all(subs.map((s) => finished(base, s.body.id, 240_000)));
    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    workers.push(await startWorker(redis));
  }, 300_000);

  it('SIGTERM lets the running job finish before the worker exits', async () => {
    for (const w of workers.splice(1)) await stop(w, 'SIGKILL');
    const w = workers[0]!;
    const sub = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: JSON.stringify({ net: 'squeezenet', size: 64, iterations: 120, checkpointEvery: 0 }) });
    expect(await eventually(async () => (await getJson(`${base}/v1/jobs/${sub.body.id}`)).body.progress?.done > 3, 60_000)).toBe(true);
    w.child.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    workers.shift();
    expect((await getJson(`${base}/v1/jobs/${sub.body.id}`)).body.status).toBe('succeeded');
  }, 180_000);

  it('queued jobs survive a restart of Redis (AOF on) and run when a worker comes', async () => {
    expect(workers).toHaveLength(0);
    const subs: Awaited<ReturnType<typeof postJob>>[] = [];
    for (let i = 0; i < 3; i++) subs.push(await postJob(base, { kind: 'fst', style: 'udnie', image: { file: SMALL } }));
    for (const s of subs) expect((await getJson(`${base}/v1/jobs/${s.body.id}`)).body.status).toBe('queued');
    await redis.stop('SIGTERM');
    await redis.start();
    // The server reconnects by itself.
    expect(await eventually(async () => (await getJson(`${base}/healthz`).catch(() => ({ body: {} }))).body.queued === 3, 30_000)).toBe(true);
    workers.push(await startWorker(redis));
    const jobs = await Promise.all(subs.map((s) => finished(base, s.body.id, 120_000)));
    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  }, 180_000);

  it('cancel reaches the worker running the job, and a queued job at once', async () => {
    const long = JSON.stringify({ net: 'squeezenet', size: 64, iterations: 100000, checkpointEvery: 0 });
    const a = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: long });
    const b = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: long });
    expect(await eventually(async () => (await getJson(`${base}/v1/jobs/${a.body.id}`)).body.status === 'running', 30_000)).toBe(true);
    const queued = (await (await fetch(`${base}/v1/jobs/${b.body.id}/cancel`, { method: 'POST' })).json()) as { status: string };
    expect(queued.status).toBe('canceled');
    await fetch(`${base}/v1/jobs/${a.body.id}/cancel`, { method: 'POST' });
    const ja = await finished(base, a.body.id, 30_000);
    expect([ja.status, ja.error.code]).toEqual(['canceled', 'CANCELED']);
    // The worker is free again: a new job runs.
    const c = await postJob(base, { kind: 'fst', style: 'wave', image: { file: SMALL } }, { prefer: 'wait=60' });
    expect(c.body.status).toBe('succeeded');
  }, 120_000);
});
