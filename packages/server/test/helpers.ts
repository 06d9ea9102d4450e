import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const WEIGHTS = process.env.IMPASTO_WEIGHTS || join(SHARED, 'weights');
export const CONTENT = join(SHARED, 'images/content');
export const STYLES = join(SHARED, 'images/style');
export const BIN = join(ROOT, 'packages/node/bin/impasto.cjs');
export const ENGINE = join(ROOT, 'packages/server/dist/engine-process.cjs');

export function tempDir(prefix = 'impasto-server-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function requireBuild(): void {
  if (!readdirSync(join(ROOT, 'packages/server/dist')).includes('engine-process.cjs')) throw new Error('build first: npm run build');
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Polls `check` until true or `ms` pass. */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A redis-server of the test's own on a free loopback port (CI installs Debian's; its package does not start it). */
export interface TestRedis {
  readonly url: string;
  readonly dir: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

export async function startRedis(o: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error) throw new Error('redis-server is not installed (apt-get install redis-server); CI installs it');
  const port = await freePort();
  const dir = tempDir('impasto-redis-');
  let child: ChildProcess | undefined;
  const r: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', o.appendonly ? 'yes' : 'no', '--appendfsync', 'always'], { stdio: 'ignore' });
      const ok = await eventually(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 10_000);
      if (!ok) throw new Error(`redis-server did not start on port ${port}`);
    },
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((ok) => {
        c.once('exit', () => ok());
        c.kill(signal);
      });
    },
  };
  await r.start();
  return r;
}

/** A multipart job submission with fetch, as a client in any runtime would. */
export async function postJob(base: string, fields: Record<string, string | { file: string; name?: string } | { bytes: Uint8Array; name: string }>, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') form.append(k, v);
    else if ('file' in v) form.append(k, new Blob([readFileSync(v.file)]), v.name ?? v.file.split('/').pop());
    else form.append(k, new Blob([v.bytes as Uint8Array<ArrayBuffer>]), v.name);
  }
  const res = await fetch(`${base}/v1/jobs`, { method: 'POST', body: form, headers });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json() };
}

/** Waits until job `id` ends; returns its view. */
export async function finished(base: string, id: string, ms = 120_000): Promise<any> {
  let last: any;
  const ok = await eventually(async () => {
    last = (await getJson(`${base}/v1/jobs/${id}`)).body;
    return ['succeeded', 'failed', 'canceled'].includes(last.status);
  }, ms, 200);
  if (!ok) throw new Error(`job ${id} did not finish: ${JSON.stringify(last)}`);
  return last;
}

/** Resident memory of a process in MiB (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
