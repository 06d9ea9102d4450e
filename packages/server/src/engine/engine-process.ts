// An engine process: one job at a time, with engines kept warm between jobs. Inference blocks the
// event loop of the process that runs it (onnxruntime-node's run is synchronous), so it runs here,
// never in the process that serves HTTP or renews BullMQ's locks.
import { ImpastoError } from '@impasto/node';
import { EnginePool } from '@impasto/core/platform';
import { Redis } from 'ioredis';
import { type BlobStore, FolderBlobStore, RedisBlobStore } from '../blobs/blob-store';
import { jobErrorOf } from '../service-error';
import { processJob } from './processor';
import type { EngineConfig, FromEngine, ToEngine } from './protocol';

const config = JSON.parse(process.env.IMPASTO_ENGINE_CONFIG ?? '{}') as EngineConfig;
const folder = new FolderBlobStore(config.data);
const blobs: BlobStore = config.redis
  ? new RedisBlobStore(new Redis(config.redis.url, { maxRetriesPerRequest: null, lazyConnect: false }), { maxBytes: config.redis.maxBytes, ttlMs: config.redis.ttlMs, overflow: folder })
  : folder;
const pool = new EnginePool({ maxIdle: config.maxIdle });
const running = new Map<string, AbortController>();

function send(msg: FromEngine): void {
  process.send?.(msg);
}

process.on('message', (msg: ToEngine) => {
  switch (msg.type) {
    case 'run': {
      const { spec, memoryBudgetMiB } = msg.job;
      const ctl = new AbortController();
      running.set(spec.id, ctl);
      processJob(spec, {
        blobs,
        pool,
        session: { intraOpNumThreads: config.threads },
        memoryBudgetMiB,
        signal: ctl.signal,
        progress: (progress) => send({ type: 'progress', id: spec.id, progress }),
        checkpoint: (iteration, key) => send({ type: 'checkpoint', id: spec.id, iteration, key }),
      })
        .then((output) => send({ type: 'done', id: spec.id, output }))
        .catch((e: unknown) => send({ type: 'failed', id: spec.id, error: ctl.signal.aborted ? { code: 'CANCELED', message: 'the job was canceled' } : jobErrorOf(e) }))
        .finally(() => running.delete(spec.id));
      return;
    }
    case 'cancel':
      running.get(msg.id)?.abort(new ImpastoError('ABORTED', 'the job was canceled'));
      return;
    case 'shutdown':
      void pool.dispose().finally(() => process.exit(0));
      return;
  }
});

// The parent gone (killed, crashed): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
