import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './package-root';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { DEFAULT_MAX_PIXELS } from '@impasto/node';
import { type BlobStore, FolderBlobStore, RedisBlobStore } from './blobs/blob-store';
import { EngineProcessPool } from './engine/process-pool';
import { buildApp } from './http/app';
import { BullmqDriver } from './jobs/bullmq-driver';
import { EmbeddedDriver } from './jobs/embedded-driver';
import type { JobDriver } from './jobs/spec';
import { ServiceMetrics } from './metrics';
import { planMachine } from './resources';
import { Thumbnails } from './thumbnails';

const MB = 1_000_000;

/** How `impasto serve` runs; every field has a safe default. */
export interface ServeOptions {
  /** [127.0.0.1]: only this machine; `0.0.0.0` to listen on every interface. */
  readonly host?: string;
  /** [8787]; 0 picks a free port. */
  readonly port?: number;
  /** Engine processes in this server [one per two cores; 0 with `redis`: the API alone]. */
  readonly workers?: number;
  /** Intra-op threads per engine process [cores ÷ workers]. */
  readonly threads?: number;
  /** MiB all jobs of this machine may reserve together [the memory left, container-aware, less the engine processes']. */
  readonly memoryBudgetMiB?: number;
  /** Jobs go to BullMQ on this Redis (`redis://host:port`); `impasto worker` processes consume them. */
  readonly redis?: string;
  /** Folder for uploads and results (with `redis`: for those too large for Redis, shared by the machines) [a folder in the system temp]. */
  readonly data?: string;
  /** Bearer token `/v1` calls must carry [`IMPASTO_TOKEN`; none: open]. */
  readonly token?: string;
  /** Jobs that may wait at once; more get 503 with Retry-After [100]. */
  readonly queueLimit?: number;
  /** A job running longer is stopped [600 s]. */
  readonly jobTimeoutS?: number;
  /** Finished jobs and their files are deleted after this [3600 s]. */
  readonly resultTtlS?: number;
  /** Upload limits in bytes [50 MB an image, 500 MB a video]. */
  readonly imageBytes?: number;
  readonly videoBytes?: number;
  /** Pixels an image may have [8192²]. */
  readonly maxPixels?: number;
  /** Blobs up to this many bytes live in Redis itself [64 MB]. */
  readonly redisBlobMaxBytes?: number;
  /** The longest `Prefer: wait` [60 s]. */
  readonly maxWaitS?: number;
  /** Runs of a job whose engine process dies under it [3]. */
  readonly attempts?: number;
  /** The engine process script (tests). */
  readonly enginePath?: string;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly driver: JobDriver;
  /** The embedded engine processes (none with `--workers 0`). */
  readonly pool?: EngineProcessPool;
  /** Stops accepting, lets running jobs finish, then stops. */
  close(): Promise<void>;
}

/** This package's version, for /healthz and the OpenAPI document. */
const VERSION = '0.1.0';

/**
 * Starts the service: the HTTP API (Fastify) and, unless `workers` is 0, engine processes that run
 * the jobs (embedded, no Redis), or BullMQ on `redis` with `impasto worker` processes anywhere.
 */
export async function createServer(o: ServeOptions = {}): Promise<RunningServer> {
  const resultTtlMs = (o.resultTtlS ?? 3600) * 1000;
  const jobTimeoutMs = (o.jobTimeoutS ?? 600) * 1000;
  const data = o.data ?? join(tmpdir(), `impasto-serve-${process.pid}`);
  mkdirSync(data, { recursive: true });
  const folder = new FolderBlobStore(data);
  const queueLimit = o.queueLimit ?? 100;
  const attempts = o.attempts ?? 3;
  const processes = o.workers ?? (o.redis ? 0 : undefined);
  const plan = planMachine({ processes: processes === 0 ? 1 : processes, threads: o.threads, memoryBudgetMiB: o.memoryBudgetMiB });
  let redis: Redis | undefined;
  let blobs: BlobStore = folder;
  let pool: EngineProcessPool | undefined;
  let driver: JobDriver;
  const redisBlobMaxBytes = o.redisBlobMaxBytes ?? 64 * MB;
  if (o.redis) {
    redis = new Redis(o.redis, { maxRetriesPerRequest: null });
    blobs = new RedisBlobStore(redis, { maxBytes: redisBlobMaxBytes, ttlMs: resultTtlMs, overflow: folder });
    driver = new BullmqDriver(redis, { queueLimit, resultTtlMs, attempts });
  } else {
    if (processes === 0) throw new Error('--workers 0 runs the API alone: it needs --redis, where impasto worker processes take the jobs');
    pool = new EngineProcessPool({ processes: plan.processes, memory: plan.memory, jobTimeoutMs, enginePath: o.enginePath, config: { data, threads: plan.threads, maxIdle: 4 } });
    driver = new EmbeddedDriver(pool, blobs, { queueLimit, resultTtlMs, attempts });
  }
  await blobs.sweep(resultTtlMs).catch(() => 0);
  const sweeper = setInterval(() => void blobs.sweep(resultTtlMs + jobTimeoutMs).catch(() => 0), Math.min(resultTtlMs, 3_600_000));
  sweeper.unref();
  // `--redis` with `--workers N`: this process is also a worker of the queue.
  if (o.redis && o.workers && o.workers > 0) {
    const { startWorker } = await import('./worker');
    const worker = await startWorker({ redis: o.redis, concurrency: o.workers, threads: o.threads, memoryBudgetMiB: o.memoryBudgetMiB, data, redisBlobMaxBytes, resultTtlMs, jobTimeoutMs, enginePath: o.enginePath });
    pool = worker.pool;
    const closeDriver = driver.close.bind(driver);
    driver.close = async () => {
      await worker.close();
      await closeDriver();
    };
  }
  const metrics = new ServiceMetrics(driver);
  const pageDir = join(packageRoot(), 'dist', 'page');
  const app = await buildApp({
    driver,
    blobs,
    metrics,
    thumbnails: new Thumbnails(driver, blobs),
    limits: { imageBytes: o.imageBytes ?? 50 * MB, videoBytes: o.videoBytes ?? 500 * MB, maxPixels: o.maxPixels ?? DEFAULT_MAX_PIXELS, memoryCapacity: plan.memory.capacity },
    token: o.token ?? (process.env.IMPASTO_TOKEN || undefined),
    maxWaitS: o.maxWaitS ?? 60,
    pageDir,
    version: VERSION,
  });
  const address = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 8787 });
  return {
    url: address.replace('[::1]', 'localhost'),
    app,
    driver,
    pool,
    async close() {
      clearInterval(sweeper);
      await app.close();
      if (driver.name === 'embedded') await pool?.close(true);
      await driver.close();
      await blobs.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}
