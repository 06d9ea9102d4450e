import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobDriver, JobRecord } from './jobs/spec';

/**
 * The service's Prometheus metrics (prom-client: the maintained client, with the exposition format
 * done right): jobs submitted and finished by kind and status, queue depth and jobs by state (read
 * from the driver at scrape time), time waiting and running.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly submitted = new Counter({ name: 'impasto_jobs_submitted_total', help: 'Jobs accepted, by kind', labelNames: ['kind'], registers: [this.registry] });
  private readonly finished = new Counter({ name: 'impasto_jobs_finished_total', help: 'Jobs finished, by kind and status', labelNames: ['kind', 'status'], registers: [this.registry] });
  private readonly run = new Histogram({
    name: 'impasto_job_run_seconds',
    help: 'Seconds from a job starting to its end, by kind',
    labelNames: ['kind'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });
  private readonly wait = new Histogram({ name: 'impasto_job_wait_seconds', help: 'Seconds a job waited for a worker', labelNames: ['kind'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120], registers: [this.registry] });

  constructor(driver: JobDriver) {
    new Gauge({
      name: 'impasto_queue_depth',
      help: 'Jobs waiting for a worker',
      registers: [this.registry],
      async collect() {
        this.set(await driver.depth());
      },
    });
    new Gauge({
      name: 'impasto_jobs',
      help: 'Jobs by state (finished ones until their results expire)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, n] of Object.entries(await driver.counts())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'impasto_workers',
      help: 'Engine processes serving this server (embedded only)',
      registers: [this.registry],
      collect() {
        this.set(driver.workers() ?? 0);
      },
    });
  }

  jobSubmitted(kind: string): void {
    this.submitted.inc({ kind });
  }

  jobFinished(r: JobRecord): void {
    this.finished.inc({ kind: r.kind, status: r.status });
    if (r.startedAt) this.wait.observe({ kind: r.kind }, (r.startedAt - r.createdAt) / 1000);
    if (r.startedAt && r.finishedAt) this.run.observe({ kind: r.kind }, (r.finishedAt - r.startedAt) / 1000);
  }
}
