import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createServer } from './server';
import { startWorker } from './worker';

function int(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer of at least ${min} for ${name}`);
    return n;
  };
}

/** Stops `close` on SIGINT/SIGTERM: running jobs finish first; a second signal exits at once. */
function onSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGTERM' ? 143 : 130);
    stopping = true;
    process.stderr.write(`impasto: ${signal}: finishing the running jobs, then stopping (again to stop at once)\n`);
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`impasto: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
}

/** `impasto serve` and `impasto worker` (the `impasto` CLI hands these two commands here). */
export function buildServiceProgram(): Command {
  const program = new Command('impasto')
    .configureOutput({ outputError: (str, write) => write(`impasto: ${str.replace(/^error: /, '')}`) })
    .showHelpAfterError('(run with --help for usage)');
  const ttl = ['--result-ttl <s>', 'seconds finished jobs and their files are kept', int('--result-ttl', 1), 3600] as const;
  const timeout = ['--job-timeout <s>', 'seconds a job may run before it is stopped', int('--job-timeout', 1), 600] as const;
  program
    .command('serve')
    .description('run the HTTP API (and, without --redis, the engine processes that run its jobs)')
    .option('--host <host>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--port <n>', 'port (0: a free one)', int('--port', 0), 8787)
    .option('--workers <n>', 'engine processes here (default: one per two cores; 0 with --redis: the API alone)', int('--workers', 0))
    .option('--threads <n>', 'threads per engine process (default: cores ÷ workers)', int('--threads', 1))
    .option('--redis <url>', 'queue jobs on BullMQ in this Redis; `impasto worker` processes take them')
    .option('--data <dir>', 'folder for uploads and results (with --redis: for those too large for Redis, shared by the machines)')
    .option('--token <token>', 'bearer token every /v1 call must carry (default: IMPASTO_TOKEN; none: open)')
    .option('--queue-limit <n>', 'jobs that may wait at once; more get 503 with Retry-After', int('--queue-limit', 1), 100)
    .option(...timeout)
    .option(...ttl)
    .option('--memory-budget <MiB>', 'memory all jobs of this machine may reserve together (default: the memory left, container-aware)', int('--memory-budget', 64))
    .action(async (o: Record<string, unknown>) => {
      const server = await createServer({
        host: o.host as string,
        port: o.port as number,
        workers: o.workers as number | undefined,
        threads: o.threads as number | undefined,
        redis: o.redis as string | undefined,
        data: o.data as string | undefined,
        token: o.token as string | undefined,
        queueLimit: o.queueLimit as number,
        jobTimeoutS: o.jobTimeout as number,
        resultTtlS: o.resultTtl as number,
        memoryBudgetMiB: o.memoryBudget as number | undefined,
      });
      const who = server.driver.name === 'redis' ? `jobs on ${o.redis}${server.pool ? `, ${server.pool.alive} engine processes here` : ''}` : `${server.pool!.alive} engine processes`;
      process.stderr.write(`impasto: serving on ${server.url} (${who}); the page is ${server.url}/\n`);
      onSignals(() => server.close());
    });
  program
    .command('worker')
    .description('take jobs from the BullMQ queue in Redis and run them here')
    .requiredOption('--redis <url>', 'the Redis the server queues jobs on, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'jobs at once, one engine process each (default: one per two cores)', int('--concurrency', 1))
    .option('--threads <n>', 'threads per engine process (default: cores ÷ concurrency)', int('--threads', 1))
    .option('--data <dir>', 'folder for blobs too large for Redis: the one the server uses, on a shared volume')
    .option(...timeout)
    .option(...ttl)
    .option('--memory-budget <MiB>', 'memory all jobs of this machine may reserve together (default: the memory left, container-aware)', int('--memory-budget', 64))
    .action(async (o: Record<string, unknown>) => {
      const lock = process.env.IMPASTO_LOCK_MS ? Number(process.env.IMPASTO_LOCK_MS) : undefined;
      const worker = await startWorker({
        redis: o.redis as string,
        concurrency: o.concurrency as number | undefined,
        threads: o.threads as number | undefined,
        data: (o.data as string | undefined) ?? join(tmpdir(), 'impasto-worker'),
        redisBlobMaxBytes: 64_000_000,
        resultTtlMs: (o.resultTtl as number) * 1000,
        jobTimeoutMs: (o.jobTimeout as number) * 1000,
        memoryBudgetMiB: o.memoryBudget as number | undefined,
        lockDurationMs: lock,
      });
      process.stderr.write(`impasto: worker on ${o.redis}: ${worker.pool.alive} engine processes\n`);
      onSignals(() => worker.close());
    });
  return program;
}

/** Runs `impasto serve …` or `impasto worker …` from `argv` (process.argv shape). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildServiceProgram().parseAsync([...argv]);
}
