import type { JobView } from '@impasto/core/client';
import type { JobRecord } from '../jobs/spec';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The URLs of a job, relative to the server. */
export function jobUrls(id: string) {
  const self = `/v1/jobs/${id}`;
  return { self, events: `${self}/events`, output: `${self}/output`, cancel: `${self}/cancel` };
}

/** A driver's record as the API shows it. */
export function jobView(r: JobRecord): JobView {
  const urls = jobUrls(r.id);
  const end = r.finishedAt ?? (r.status === 'queued' || r.status === 'running' ? undefined : Date.now());
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    ...(r.progress ? { progress: r.progress } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.output
      ? { output: { url: urls.output, contentType: r.output.contentType, width: r.output.width, height: r.output.height, bytes: r.output.bytes, ...(r.output.frames !== undefined ? { frames: r.output.frames } : {}) } }
      : {}),
    timings: {
      createdAt: iso(r.createdAt)!,
      ...(r.startedAt ? { startedAt: iso(r.startedAt), queuedMs: r.startedAt - r.createdAt } : {}),
      ...(end ? { finishedAt: iso(end) } : {}),
      ...(r.startedAt && end ? { runMs: end - r.startedAt } : {}),
      ...(r.output?.inferenceMs !== undefined ? { inferenceMs: Math.round(r.output.inferenceMs) } : {}),
    },
    urls,
    ...(r.checkpoints.length ? { checkpoints: r.checkpoints.map((c) => ({ iteration: c.iteration, url: `${urls.self}/checkpoints/${c.key.split('/').pop()}` })) } : {}),
  };
}
