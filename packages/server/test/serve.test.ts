// `impasto serve` embedded (no Redis): every endpoint, bad input refused with the library's words,
// results equal to the library's, concurrency, a killed engine process, the memory budget, cancel,
// timeouts and results that expire. Engine processes run the BUILT package (`npm run build` first).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ArbitraryStyle, FastStyle, ModelStore, type RawImage } from '@impasto/node';
import { STYLIZE_SCHEMA, resolveOptions } from '@impasto/core/platform';
import { ImpastoClient } from '@impasto/core/client';
import { type RunningServer, createServer } from '../src/server';
import { CONTENT, ENGINE, STYLES, WEIGHTS, eventually, finished, getJson, postJob, requireBuild, rssMiB, tempDir } from './helpers';

requireBuild();
process.env.IMPASTO_WEIGHTS ??= WEIGHTS;
const PHOTO = join(CONTENT, 'skimage_chelsea.png');
const SMALL = join(CONTENT, 'ml5_harriet_128x128.jpg');
const PAINTING = join(STYLES, 'jcjohnson_starry_night.jpg');
const store = new ModelStore({ cacheDir: tempDir('impasto-serve-cache-'), mirror: WEIGHTS, download: false });

async function pixels(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}
const meanAbs = (a: RawImage, b: RawImage) => {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
};

describe('impasto serve (embedded)', () => {
  let server: RunningServer;
  let base: string;
  let data: string;
  beforeAll(async () => {
    data = tempDir('impasto-serve-data-');
    server = await createServer({ port: 0, workers: 2, threads: 1, data, enginePath: ENGINE, resultTtlS: 600, queueLimit: 40 });
    base = server.url;
  }, 60_000);
  afterAll(() => server?.close());

  it('Prefer: wait answers with the finished job, whose output URL serves the image the library makes', async () => {
    const r = await postJob(base, { kind: 'fst', style: 'wave', image: { file: PHOTO } }, { prefer: 'wait' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'fst', status: 'succeeded', output: { contentType: 'image/png', width: 451, height: 300 }, urls: { self: `/v1/jobs/${r.body.id}` } });
    expect(r.body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(r.body.timings.runMs).toBeGreaterThan(0);
    const out = new Uint8Array(await (await fetch(`${base}${r.body.output.url}`)).arrayBuffer());
    const fst = await FastStyle.load('wave', { ep: 'cpu' }, { store });
    const expected = await fst.stylize(PHOTO);
    await fst.dispose();
    const d = meanAbs(await pixels(out), expected);
    console.log(`service vs library, fst wave 451x300: mean |d| ${d.toFixed(3)}`);
    expect(d).toBeLessThanOrEqual(1);
  }, 120_000);

  it('arbitrary style with a painting upload equals the library; options pass through the schema', async () => {
    const r = await postJob(base, { kind: 'ast', style: { file: PAINTING }, image: { file: PHOTO }, options: JSON.stringify({ maxSize: 256, strength: 0.8, format: 'png' }) }, { prefer: 'wait=60' });
    expect(r.body.status).toBe('succeeded');
    const out = await pixels(new Uint8Array(await (await fetch(`${base}${r.body.output.url}`)).arrayBuffer()));
    const ast = await ArbitraryStyle.load({ ep: 'cpu' }, { store });
    const expected = await ast.stylize(PHOTO, PAINTING, { maxSize: 256, strength: 0.8 });
    await ast.dispose();
    expect(meanAbs(out, expected)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('every endpoint: job, events, cancel, styles, thumbnail, healthz, openapi, metrics, the page', async () => {
    const sub = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: JSON.stringify({ net: 'squeezenet', size: 64, iterations: 20, checkpointEvery: 5 }) });
    expect(sub.status).toBe(202);
    expect(sub.headers.get('location')).toBe(sub.body.urls.self);
    // Server-Sent Events until done: status, progress by iteration, checkpoints, then the finished job.
    const events: any[] = [];
    for await (const e of new ImpastoClient({ baseUrl: base }).events(sub.body.id)) events.push(e);
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['checkpoint', 'done', 'progress', 'status']);
    const done = events.at(-1);
    expect(done.job.status).toBe('succeeded');
    expect(done.job.checkpoints.map((c: { iteration: number }) => c.iteration)).toEqual([5, 10, 15]);
    const cp = await fetch(`${base}${done.job.checkpoints[0].url}`);
    expect([cp.status, cp.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(events.filter((e) => e.type === 'progress').at(-1).progress).toMatchObject({ done: 20, total: 20, unit: 'iteration' });
    // Cancel on a finished job changes nothing.
    expect(((await (await fetch(`${base}${sub.body.urls.cancel}`, { method: 'POST' })).json()) as { status: string }).status).toBe('succeeded');

    const styles = await getJson(`${base}/v1/styles`);
    expect(styles.body.styles.map((s: { id: string }) => s.id)).toContain('wave');
    const thumb = await fetch(`${base}/v1/styles/udnie/thumbnail`);
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', width: 240, height: 160 });
    expect((await getJson(`${base}/healthz`)).body).toMatchObject({ status: 'ok', driver: 'embedded', workers: 2 });
    const api = (await getJson(`${base}/openapi.json`)).body;
    expect(Object.keys(api.paths)).toEqual(expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/events', '/v1/jobs/{id}/output', '/v1/jobs/{id}/cancel', '/v1/styles', '/healthz', '/metrics']));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/impasto_jobs_submitted_total\{kind="nst"\} 1/);
    expect(metrics).toMatch(/impasto_job_run_seconds_count\{kind="nst"\} 1/);
    expect(metrics).toMatch(/impasto_queue_depth 0/);
    const page = await fetch(`${base}/`);
    expect(await page.text()).toMatch(/<title>Impasto<\/title>/);
    expect((await fetch(`${base}/app.js`)).status).toBe(200);
  }, 120_000);

  it('a photo transfer: region masks upload with the job (the client sends them), photorealism and smoothing pass through', async () => {
    const label = async (w: number, h: number, split: (x: number, y: number) => boolean) => {
      const data = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(split(x, y) ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
      return new Uint8Array(await sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
    };
    const photo = await sharp(SMALL).metadata();
    const painting = await sharp(PAINTING).metadata();
    const client = new ImpastoClient({ baseUrl: base });
    const masks = { content: await label(photo.width!, photo.height!, (_x, y) => y < 64), style: await label(painting.width!, painting.height!, (x) => x < 200) };
    const options = { net: 'squeezenet', size: 64, iterations: 4, checkpointEvery: 0, photorealism: 1e4, smooth: true, init: 'colors' } as const;
    const job = await client.submit({ kind: 'nst', image: readFileSync(SMALL), style: readFileSync(PAINTING), masks, options }, { wait: 60 });
    expect(job.status === 'succeeded' ? '' : JSON.stringify(job)).toBe('');
    // One mask alone, or masks on another kind, is refused at submission.
    const one = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, contentMask: { bytes: masks.content, name: 'm.png' } });
    expect([one.status, one.body.error?.message]).toEqual([400, 'region masks come in pairs: send styleMask too']);
    const fst = await postJob(base, { kind: 'fst', style: 'wave', image: { file: SMALL }, contentMask: { bytes: masks.content, name: 'm.png' }, styleMask: { bytes: masks.style, name: 'n.png' } });
    expect([fst.status, fst.body.error?.message]).toEqual([400, 'region masks are for nst jobs, not fst']);
  }, 120_000);

  it('refuses bad input at submission with the library\'s code and message, and keeps nothing of it', async () => {
    const expectedMessage = (() => {
      try {
        resolveOptions(STYLIZE_SCHEMA, { maxSize: 0 });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    const cases: [Record<string, any>, number, string, RegExp | string][] = [
      [{ kind: 'fst', style: 'wavee', image: { file: SMALL } }, 400, 'UNKNOWN_STYLE', /^Unknown style 'wavee'; valid styles: la_muse/],
      [{ kind: 'fst', style: 'wave', image: { file: SMALL }, options: '{"maxSize":0}' }, 400, 'INVALID_ARGUMENT', expectedMessage!],
      [{ kind: 'fst', style: 'wave', image: { file: SMALL }, options: '{"iterations":3}' }, 400, 'INVALID_ARGUMENT', /^Unknown option 'iterations' for a fast-style job; valid options: precision, maxSize/],
      [{ kind: 'fst', style: 'wave', image: { file: SMALL }, options: 'not json' }, 400, 'INVALID_ARGUMENT', /options must be a JSON object/],
      [{ kind: 'paint', style: 'wave', image: { file: SMALL } }, 400, 'INVALID_ARGUMENT', /Unknown job kind 'paint'; valid kinds: fst, ast, nst, video/],
      [{ kind: 'fst', style: 'wave' }, 400, 'INVALID_ARGUMENT', /needs an image file/],
      [{ kind: 'ast', style: 'wave', image: { file: SMALL } }, 400, 'INVALID_ARGUMENT', /takes the painting as a file/],
      [{ kind: 'fst', style: 'wave', image: { bytes: new TextEncoder().encode('not an image at all'), name: 'notes.txt' } }, 400, 'BAD_IMAGE', /^the image 'notes.txt' is not an image in a format Impasto reads$/],
      [{ kind: 'ast', style: { bytes: new Uint8Array(10), name: 'blank.png' }, image: { file: SMALL } }, 400, 'BAD_IMAGE', /^the painting 'blank.png' is not an image/],
    ];
    for (const [fields, status, code, message] of cases) {
      const r = await postJob(base, fields);
      expect({ status: r.status, code: r.body.error?.code }).toEqual({ status, code });
      expect(r.body.error.message).toMatch(message);
    }
    // 8193 x 8193 pixels: refused from its header, before any decoding.
    const big = await sharp({ create: { width: 8193, height: 8193, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer();
    const r = await postJob(base, { kind: 'fst', style: 'wave', image: { bytes: new Uint8Array(big), name: 'big.png' } });
    expect({ status: r.status, code: r.body.error.code }).toEqual({ status: 413, code: 'IMAGE_TOO_LARGE' });
    expect(r.body.error.message).toBe("the image 'big.png' has more than 67108864 pixels, this server's limit; shrink it first");
    expect((await getJson(`${base}/v1/jobs/nope`)).status).toBe(404);
    // No upload of a refused job is kept.
    const kept = readdirSync(join(data, 'jobs')).filter((id) => !readdirSync(join(data, 'jobs', id)).includes('output'));
    expect(kept).toEqual([]);
  }, 120_000);

  it('30 jobs from 10 concurrent clients all succeed', async () => {
    const client = new ImpastoClient({ baseUrl: base });
    const photo = new Uint8Array(readFileSync(SMALL));
    const styles = ['wave', 'udnie', 'scream'];
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, c) => {
        const out = [];
        for (let k = 0; k < 3; k++) out.push(await client.run({ kind: 'fst', image: photo, style: styles[(c + k) % 3]!, options: { maxSize: 96 } }).result);
        return out;
      }),
    );
    const jobs = results.flat();
    expect(jobs).toHaveLength(30);
    expect(new Set(jobs.map((j) => j.job.status))).toEqual(new Set(['succeeded']));
    for (const j of jobs) expect((await sharp(j.output).metadata()).width).toBe(96);
  }, 300_000);

  it('an engine process SIGKILLed mid-job is replaced and its job retried to success', async () => {
    const started = server.pool!.started;
    const sub = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: JSON.stringify({ net: 'squeezenet', size: 96, iterations: 60, checkpointEvery: 0 }) });
    await eventually(async () => (await getJson(`${base}/v1/jobs/${sub.body.id}`)).body.progress?.done >= 2, 60_000);
    const pid = server.pool!.pidOf(sub.body.id)!;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    // Back in the queue, then run again from the start in a process that is not the dead one.
    const job = await finished(base, sub.body.id);
    expect(job.status).toBe('succeeded');
    expect(server.pool!.started).toBe(started + 1);
    expect(server.pool!.pids()).not.toContain(pid);
    expect(await eventually(() => server.pool!.alive === 2, 20_000)).toBe(true);
  }, 180_000);

  it('cancels a queued job at once and a running one at its next step', async () => {
    const long = { net: 'squeezenet', size: 64, iterations: 100000, checkpointEvery: 0 };
    const a = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: JSON.stringify(long) });
    const b = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: JSON.stringify(long) });
    const c = await postJob(base, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: JSON.stringify(long) });
    await eventually(async () => (await getJson(`${base}/v1/jobs/${a.body.id}`)).body.status === 'running', 30_000);
    // Two processes: a and b run, c waits.
    expect((await getJson(`${base}/v1/jobs/${c.body.id}`)).body.status).toBe('queued');
    await fetch(`${base}/v1/jobs/${c.body.id}/cancel`, { method: 'POST' });
    expect((await finished(base, c.body.id, 5_000)).status).toBe('canceled');
    const t0 = Date.now();
    await fetch(`${base}/v1/jobs/${a.body.id}/cancel`, { method: 'POST' });
    await fetch(`${base}/v1/jobs/${b.body.id}/cancel`, { method: 'POST' });
    const [ja, jb] = [await finished(base, a.body.id, 20_000), await finished(base, b.body.id, 20_000)];
    expect([ja.status, jb.status, ja.error.code]).toEqual(['canceled', 'canceled', 'CANCELED']);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const out = await fetch(`${base}/v1/jobs/${a.body.id}/output`);
    expect(out.status).toBe(410);
  }, 120_000);
});

describe('impasto serve: limits', () => {
  it('two jobs that each fit the memory budget alone but not together never run at once', async () => {
    // 700 MiB: an 800x800 fast style needs about 530 MiB, so two cannot share it.
    const server = await createServer({ port: 0, workers: 2, threads: 1, data: tempDir(), enginePath: ENGINE, memoryBudgetMiB: 700 });
    try {
      const img = await sharp(PHOTO).resize(800, 800, { fit: 'fill' }).png().toBuffer();
      const subs = await Promise.all([0, 1].map(() => postJob(server.url, { kind: 'fst', style: 'wave', image: { bytes: new Uint8Array(img), name: 'p.png' } })));
      const jobs = await Promise.all(subs.map((s) => finished(server.url, s.body.id)));
      expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
      const [first, second] = jobs.sort((x, y) => Date.parse(x.timings.startedAt) - Date.parse(y.timings.startedAt));
      expect(Date.parse(second.timings.startedAt)).toBeGreaterThanOrEqual(Date.parse(first.timings.finishedAt));
      // Small ones do run side by side.
      const small = await Promise.all([0, 1].map(() => postJob(server.url, { kind: 'fst', style: 'wave', image: { file: SMALL } })));
      const two = await Promise.all(small.map((s) => finished(server.url, s.body.id)));
      expect(two.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    } finally {
      await server.close();
    }
  }, 180_000);

  it('a bearer token, a full queue (503 Retry-After), a timeout, and results deleted after the TTL', async () => {
    const data = tempDir();
    const server = await createServer({ port: 0, workers: 1, threads: 1, data, enginePath: ENGINE, token: 's3cret', queueLimit: 1, jobTimeoutS: 3, resultTtlS: 2 });
    const auth = { authorization: 'Bearer s3cret' };
    try {
      const denied = await postJob(server.url, { kind: 'fst', style: 'wave', image: { file: SMALL } });
      expect({ status: denied.status, code: denied.body.error.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
      const long = JSON.stringify({ net: 'squeezenet', size: 64, iterations: 100000, checkpointEvery: 0 });
      const running = await postJob(server.url, { kind: 'nst', style: { file: PAINTING }, image: { file: SMALL }, options: long }, auth);
      await eventually(async () => (await getJson(`${server.url}/v1/jobs/${running.body.id}`, auth)).body.status === 'running', 30_000);
      const waiting = await postJob(server.url, { kind: 'fst', style: 'wave', image: { file: SMALL } }, auth);
      expect(waiting.status).toBe(202);
      const full = await postJob(server.url, { kind: 'fst', style: 'wave', image: { file: SMALL } }, auth);
      expect({ status: full.status, code: full.body.error.code, retry: full.headers.get('retry-after') }).toEqual({ status: 503, code: 'QUEUE_FULL', retry: '5' });
      const timedOut = await (async () => {
        await eventually(async () => (await getJson(`${server.url}/v1/jobs/${running.body.id}`, auth)).body.status === 'failed', 20_000);
        return (await getJson(`${server.url}/v1/jobs/${running.body.id}`, auth)).body;
      })();
      expect(timedOut.error).toEqual({ code: 'TIMEOUT', message: 'the job ran longer than 3 s, the server\'s limit' });
      const ok = await eventually(async () => (await getJson(`${server.url}/v1/jobs/${waiting.body.id}`, auth)).body.status === 'succeeded', 60_000);
      expect(ok).toBe(true);
      // Two seconds after they ended, the jobs and every file of theirs are gone.
      expect(await eventually(async () => (await getJson(`${server.url}/v1/jobs/${waiting.body.id}`, auth)).status === 404, 10_000)).toBe(true);
      expect(await eventually(() => readdirSync(join(data, 'jobs')).length === 0, 10_000)).toBe(true);
    } finally {
      await server.close();
    }
  }, 180_000);

  it('a soak of 500 small jobs: every one succeeds, the engine process keeps flat memory, no file outlives the TTL', async () => {
    const data = tempDir();
    const server = await createServer({ port: 0, workers: 1, threads: 2, data, enginePath: ENGINE, resultTtlS: 2, queueLimit: 600 });
    try {
      const client = new ImpastoClient({ baseUrl: server.url });
      const photo = new Uint8Array(await sharp(SMALL).resize(48, 48).png().toBuffer());
      const pid = server.pool!.pids()[0]!;
      const styles = ['wave', 'udnie', 'scream', 'la_muse'];
      let rssAt100 = 0;
      let ok = 0;
      for (let batch = 0; batch < 50; batch++) {
        const jobs = await Promise.all(Array.from({ length: 10 }, (_, k) => client.run({ kind: 'fst', image: photo, style: styles[(batch + k) % 4]!, options: { format: 'jpeg' } }).result));
        ok += jobs.filter((j) => j.job.status === 'succeeded').length;
        if (batch === 9) rssAt100 = rssMiB(pid);
      }
      const rssAt500 = rssMiB(pid);
      console.log(`soak: 500 jobs, engine process RSS ${rssAt100.toFixed(0)} MiB after 100, ${rssAt500.toFixed(0)} MiB after 500`);
      expect(ok).toBe(500);
      expect(server.pool!.pids()[0]).toBe(pid);
      expect(rssAt500 - rssAt100).toBeLessThan(60);
      expect(await eventually(() => readdirSync(join(data, 'jobs')).length === 0, 15_000)).toBe(true);
    } finally {
      await server.close();
    }
  }, 600_000);
});
