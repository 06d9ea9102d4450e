import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import { isImpastoError, listStyles } from '@impasto/node';
import { FINISHED, type JobEvent, type JobView, type StyleView } from '@impasto/core/client';
import type { BlobStore } from '../blobs/blob-store';
import type { JobDriver, JobRecord } from '../jobs/spec';
import type { ServiceMetrics } from '../metrics';
import { ServiceError, jobErrorOf, statusOf } from '../service-error';
import type { Thumbnails } from '../thumbnails';
import { PAGE_HTML } from '../page/html';
import { type SubmissionLimits, readSubmission } from './submission';
import { jobUrls, jobView } from './views';
import { ERROR_SCHEMA, JOB_SCHEMA, STYLES_SCHEMA } from './schemas';

/** What the HTTP app serves from. */
export interface AppParts {
  readonly driver: JobDriver;
  readonly blobs: BlobStore;
  readonly metrics: ServiceMetrics;
  readonly thumbnails: Thumbnails;
  readonly limits: SubmissionLimits;
  /** Bearer token every `/v1` call must carry (none: open). */
  readonly token?: string;
  /** The longest `Prefer: wait` honoured, in seconds. */
  readonly maxWaitS: number;
  /** Where the page's script is (this package's `dist/page`). */
  readonly pageDir: string;
  readonly version: string;
}

const notFound = (id: string) => new ServiceError(404, 'NOT_FOUND', `no job ${id.slice(0, 40)}: it never existed, or its results expired`);

/** `Prefer: wait` (the server's longest) or `wait=N` seconds, as Replicate reads it; undefined: do not wait. */
function preferWait(header: string | undefined, max: number): number | undefined {
  if (!header) return undefined;
  const m = /(?:^|[,;\s])wait(?:=(\d+))?(?:$|[,;\s])/.exec(header);
  if (!m) return undefined;
  return Math.min(max, m[1] ? Number(m[1]) : max);
}

/** Resolves when `id` ends or after `seconds`, with its record then. */
async function waitFor(driver: JobDriver, id: string, seconds: number): Promise<JobRecord | undefined> {
  return new Promise((resolve) => {
    let stop = () => undefined as void;
    const timer = setTimeout(async () => {
      stop();
      resolve(await driver.get(id));
    }, seconds * 1000);
    stop = driver.subscribe(id, (e) => {
      if (e.type !== 'done') return;
      clearTimeout(timer);
      stop();
      resolve(e.record);
    });
    // It may have ended before the subscription.
    void driver.get(id).then((r) => {
      if (r && FINISHED.includes(r.status)) {
        clearTimeout(timer);
        stop();
        resolve(r);
      }
    });
  });
}

/**
 * The HTTP API on Fastify (schemas for every route, from which `/openapi.json` is generated;
 * streaming multipart uploads with byte limits; one error shape, `{ error: { code, message } }`).
 */
export async function buildApp(p: AppParts): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20, trustProxy: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Impasto', description: 'Neural style transfer as a service: submit a job, follow its progress, fetch the result.', version: p.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(multipart, { limits: { fileSize: Math.max(p.limits.imageBytes, p.limits.videoBytes), files: 4, fields: 8, fieldSize: 64 * 1024, parts: 14 } });

  app.setErrorHandler((e, _req, reply) => {
    if (e instanceof ServiceError) return reply.status(e.status).headers(e.headers).send({ error: { code: e.code, message: e.message } });
    if (isImpastoError(e)) return reply.status(statusOf(e.code)).send({ error: jobErrorOf(e) });
    const status = (e as { statusCode?: number }).statusCode ?? 500;
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : status < 500 ? 'INVALID_ARGUMENT' : 'RUNTIME';
    return reply.status(status).send({ error: { code, message: (e as Error).message.split('\n')[0] } });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  if (p.token) {
    const expected = `Bearer ${p.token}`;
    app.addHook('onRequest', async (req) => {
      if (!req.url.startsWith('/v1/')) return;
      if (req.headers.authorization !== expected) throw new ServiceError(401, 'UNAUTHORIZED', 'this server needs a bearer token: send Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
    });
  }

  const view = (r: JobRecord): JobView => jobView(r);
  const follow = (id: string) => {
    const stop = p.driver.subscribe(id, (e) => {
      if (e.type !== 'done') return;
      stop();
      p.metrics.jobFinished(e.record);
    });
  };

  app.post(
    '/v1/jobs',
    {
      schema: {
        summary: 'Submit a job',
        description:
          'multipart/form-data: `kind` (fst, ast, nst, video), `image` (file), `style` (a style id, or a painting file for ast and nst), `contentMask` and `styleMask` (nst: region masks, label images in flat colours, both or neither), `options` (JSON, the kind\'s options as the library takes them). `Prefer: wait` or `wait=N` answers when the job ends (or after N seconds).',
        consumes: ['multipart/form-data'],
        response: { 200: JOB_SCHEMA, 202: JOB_SCHEMA, '4xx': ERROR_SCHEMA, 503: ERROR_SCHEMA },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new ServiceError(415, 'INVALID_ARGUMENT', 'submit a job as multipart/form-data: kind, image, style, options');
      const spec = await readSubmission(req, p.blobs, p.limits);
      try {
        follow(spec.id);
        await p.driver.submit(spec);
      } catch (e) {
        await p.blobs.deletePrefix(`jobs/${spec.id}`).catch(() => undefined);
        throw e;
      }
      p.metrics.jobSubmitted(spec.kind);
      const wait = preferWait(req.headers.prefer as string | undefined, p.maxWaitS);
      const record = wait !== undefined ? await waitFor(p.driver, spec.id, wait) : await p.driver.get(spec.id);
      const v = view(record ?? { id: spec.id, kind: spec.kind, status: 'queued', createdAt: spec.createdAt, checkpoints: [] });
      reply.header('location', v.urls.self);
      return reply.status(FINISHED.includes(v.status) ? 200 : 202).send(v);
    },
  );

  app.get<{ Params: { id: string } }>('/v1/jobs/:id', { schema: { summary: 'A job as it is now', response: { 200: JOB_SCHEMA, '4xx': ERROR_SCHEMA } } }, async (req) => {
    const r = await p.driver.get(req.params.id);
    if (!r) throw notFound(req.params.id);
    return view(r);
  });

  app.post<{ Params: { id: string } }>('/v1/jobs/:id/cancel', { schema: { summary: 'Cancel a job', response: { 200: JOB_SCHEMA, '4xx': ERROR_SCHEMA } } }, async (req) => {
    const r = await p.driver.cancel(req.params.id);
    if (!r) throw notFound(req.params.id);
    return view(r);
  });

  const sendBlob = async (reply: FastifyReply, key: string, contentType: string, filename?: string) => {
    const bytes = await p.blobs.get(key);
    if (!bytes) throw new ServiceError(404, 'NOT_FOUND', 'the result expired');
    reply.header('content-type', contentType).header('cache-control', 'private, max-age=3600');
    if (filename) reply.header('content-disposition', `inline; filename="${filename}"`);
    return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };

  app.get<{ Params: { id: string } }>('/v1/jobs/:id/output', { schema: { summary: "The job's result (image or video bytes)" } }, async (req, reply) => {
    const r = await p.driver.get(req.params.id);
    if (!r) throw notFound(req.params.id);
    if (r.status !== 'succeeded' || !r.output) {
      throw new ServiceError(r.status === 'failed' || r.status === 'canceled' ? 410 : 409, 'NOT_FOUND', `job ${r.id} is ${r.status}: it has no output${r.status === 'queued' || r.status === 'running' ? ' yet' : ''}`);
    }
    const ext = r.output.contentType.split('/')[1]?.replace('x-matroska', 'mkv').replace('quicktime', 'mov').replace('jpeg', 'jpg') ?? 'bin';
    return sendBlob(reply, r.output.key, r.output.contentType, `impasto-${r.id.slice(0, 8)}.${ext}`);
  });

  app.get<{ Params: { id: string; name: string } }>('/v1/jobs/:id/checkpoints/:name', { schema: { summary: 'An NST checkpoint image' } }, async (req, reply) => {
    const r = await p.driver.get(req.params.id);
    const c = r?.checkpoints.find((x) => x.key.split('/').pop() === req.params.name);
    if (!c) throw notFound(req.params.id);
    return sendBlob(reply, c.key, 'image/jpeg');
  });

  app.get<{ Params: { id: string } }>('/v1/jobs/:id/events', { schema: { summary: "The job's events (Server-Sent Events: status, progress, checkpoint, done)" } }, async (req, reply) => {
    const id = req.params.id;
    const first = await p.driver.get(id);
    if (!first) throw notFound(id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (e: JobEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    let closed = false;
    const end = () => {
      if (closed) return;
      closed = true;
      stop();
      clearInterval(beat);
      res.end();
    };
    const urlOf = (key: string) => `${jobUrls(id).self}/checkpoints/${key.split('/').pop()}`;
    const stop = p.driver.subscribe(id, (e) => {
      if (closed) return;
      if (e.type === 'done') {
        send({ type: 'done', job: view(e.record) });
        end();
      } else if (e.type === 'checkpoint') send({ type: 'checkpoint', iteration: e.iteration, url: urlOf(e.key) });
      else send(e);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', end);
    // Where the job is now (it may have ended before the subscription).
    const now = (await p.driver.get(id)) ?? first;
    if (FINISHED.includes(now.status)) {
      send({ type: 'done', job: view(now) });
      end();
    } else {
      send({ type: 'status', status: now.status });
      if (now.progress) send({ type: 'progress', progress: now.progress });
    }
  });

  app.get('/v1/styles', { schema: { summary: 'The pretrained styles', response: { 200: STYLES_SCHEMA } } }, async () => {
    const styles: StyleView[] = listStyles().map((s) => ({ id: s.id, title: s.title, artist: s.artist, licence: s.licence, thumbnail: `/v1/styles/${s.id}/thumbnail` }));
    return { styles };
  });

  app.get<{ Params: { id: string } }>('/v1/styles/:id/thumbnail', { schema: { summary: "A style's thumbnail (JPEG), made on first request" } }, async (req, reply) => {
    const bytes = await p.thumbnails.get(req.params.id);
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'public, max-age=86400').send(Buffer.from(bytes));
  });

  app.get('/healthz', { schema: { summary: 'Liveness and what serves the jobs' } }, async () => ({ status: 'ok', driver: p.driver.name, workers: p.driver.workers() ?? null, queued: await p.driver.depth(), version: p.version }));

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', hide: false } }, async (_req, reply) => {
    reply.header('content-type', p.metrics.registry.contentType);
    return p.metrics.registry.metrics();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(PAGE_HTML));
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.status(204).send());
  app.get('/app.js', { schema: { hide: true } }, async (_req, reply) => {
    const js = await readFile(join(p.pageDir, 'app.js')).catch(() => {
      throw new ServiceError(404, 'NOT_FOUND', 'the page script is missing: build @impasto/server (npm run build)');
    });
    return reply.header('content-type', 'text/javascript; charset=utf-8').send(js);
  });

  return app;
}

/** For tests and tools: the request type the routes take. */
export type { FastifyRequest };
