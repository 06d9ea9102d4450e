// ImpastoClient: the service from any JavaScript runtime with fetch (Node 20+, browsers, workers).
// Core has no DOM typings, so the few web types it uses are declared here, as platform.ts does.
import { ImpastoError, type ImpastoErrorCode } from '../errors';
import type { ArbitraryStylizeOptions, NeuralStyleOptions, StylizeOptions, VideoOptions } from '../options/generated';
import { type Run, startRun } from '../util/run';
import { type AbortSignalLike, raceAbort } from '../util/abort';
import { FINISHED, type ErrorBody, type JobEvent, type JobKind, type JobView, type StyleView } from './protocol';
import type { VideoFormat } from './job-options';

interface BlobLike {
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
interface FormDataLike {
  append(name: string, value: unknown, filename?: string): void;
}
interface StreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}
interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): StreamReader } | null;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}
/** The `fetch` the client uses (the global one by default). */
export type ClientFetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: unknown }) => Promise<FetchResponse>;

interface WebGlobals {
  fetch?: ClientFetch;
  FormData: new () => FormDataLike;
  Blob: new (parts: unknown[], options?: { type?: string }) => BlobLike;
  TextDecoder: new () => { decode(b?: Uint8Array, o?: { stream?: boolean }): string };
}
const web = globalThis as unknown as WebGlobals;

/** A file for a job: bytes, or a Blob / File (in the browser, what an `<input type=file>` gives). */
export type JobFile = Uint8Array | ArrayBuffer | BlobLike;

/** The options of each kind of job: the library's own, less what the service decides. */
export interface JobOptionsByKind {
  fst: Pick<StylizeOptions, 'maxSize' | 'format' | 'quality' | 'preserveColors' | 'tile'> & { precision?: 'fp32' | 'int8' };
  ast: Pick<ArbitraryStylizeOptions, 'maxSize' | 'format' | 'quality' | 'strength' | 'styleSize' | 'styleScale' | 'preserveColors' | 'tile'>;
  nst: Omit<NeuralStyleOptions, 'ep' | 'intraOpNumThreads' | 'interOpNumThreads' | 'memoryBudget' | 'maxPixels' | 'mode' | 'tile' | 'historySize' | 'init'> & { init?: 'noise' | 'content' | 'colors'; format?: StylizeOptions['format']; quality?: number };
  video: Pick<VideoOptions, 'start' | 'duration' | 'maxSize' | 'crf' | 'stabilize' | 'temporalWeight' | 'temporalThreshold' | 'flowSize'> & { precision?: 'fp32' | 'int8'; format?: VideoFormat };
}

/** A job to submit: what to do, to which image, with which style. */
export type JobRequest = {
  [K in JobKind]: {
    readonly kind: K;
    /** The photo (a video for `video`). */
    readonly image: JobFile;
    /** A style id (`fst`, `video`) or a painting (`ast`, `nst`, `video`). */
    readonly style: string | JobFile;
    readonly options?: JobOptionsByKind[K];
    /** File names sent with the uploads (the server only uses their extensions, for messages). */
    readonly imageName?: string;
    readonly styleName?: string;
    /** `nst`: region masks of the photo and of the style image, both or neither (label images in flat colours). */
    readonly masks?: K extends 'nst' ? { readonly content: JobFile; readonly style: JobFile } : never;
  };
}[JobKind];

/** Where the service is and how to reach it. */
export interface ImpastoClientOptions {
  /** The server's base URL [`http://127.0.0.1:8787`]. */
  readonly baseUrl?: string;
  /** The bearer token, when the server asks for one. */
  readonly token?: string;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: ClientFetch;
}

/** What a finished job gives: its record and the output's bytes. */
export interface JobResult {
  readonly job: JobView;
  readonly output: Uint8Array;
}

const asBlob = (f: JobFile, type = 'application/octet-stream'): BlobLike =>
  f instanceof Uint8Array || f instanceof ArrayBuffer ? new web.Blob([f], { type }) : f;

/**
 * The Impasto service over HTTP, shaped like the library: `submit` a job, follow its `events`,
 * take its `result`, `cancel` it; `run` does all three as a `Run { events, result }`. Errors are
 * `ImpastoError`s with the server's code and message (the library's own, for bad input).
 * @example
 * const client = new ImpastoClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const { output } = await client.run({ kind: 'fst', image: bytes, style: 'wave' }).result;
 */
export class ImpastoClient {
  private readonly baseUrl: string;
  private readonly fetch: ClientFetch;

  constructor(private readonly options: ImpastoClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
    const f = options.fetch ?? web.fetch;
    if (!f) throw new ImpastoError('INVALID_ARGUMENT', 'this runtime has no fetch: pass { fetch }');
    // Browsers refuse a fetch called as a method of anything but the window ("Illegal invocation").
    this.fetch = (url, init) => f.call(globalThis, url, init);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}), ...extra };
  }

  private url(path: string): string {
    return /^https?:/.test(path) ? path : `${this.baseUrl}${path}`;
  }

  private async call(path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: unknown } = {}): Promise<FetchResponse> {
    let res: FetchResponse;
    try {
      res = await this.fetch(this.url(path), { ...init, headers: this.headers(init.headers) });
    } catch (e) {
      throw new ImpastoError('IO', `could not reach ${this.baseUrl}: ${(e as Error).message}`, { cause: e });
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
      const code = (body?.error?.code ?? (res.status === 404 ? 'INVALID_ARGUMENT' : 'IO')) as ImpastoErrorCode;
      throw Object.assign(new ImpastoError(code, body?.error?.message ?? `the server answered ${res.status}`), { status: res.status });
    }
    return res;
  }

  /**
   * Submits a job; with `wait` (seconds, or `true` for the server's longest wait) the server answers
   * when it has finished, or when the wait ends. Bad input is refused here with the library's code.
   */
  async submit(request: JobRequest, o: { wait?: number | boolean } = {}): Promise<JobView> {
    const form = new web.FormData();
    form.append('kind', request.kind);
    if (request.options) form.append('options', JSON.stringify(request.options));
    if (typeof request.style === 'string') form.append('style', request.style);
    else form.append('style', asBlob(request.style), request.styleName ?? 'style');
    form.append('image', asBlob(request.image), request.imageName ?? 'image');
    if (request.masks) {
      form.append('contentMask', asBlob(request.masks.content), 'content-mask');
      form.append('styleMask', asBlob(request.masks.style), 'style-mask');
    }
    const prefer = o.wait === true ? { prefer: 'wait' } : typeof o.wait === 'number' ? { prefer: `wait=${o.wait}` } : undefined;
    return (await (await this.call('/v1/jobs', { method: 'POST', body: form, headers: prefer })).json()) as JobView;
  }

  /** The job as it is now. */
  async get(id: string): Promise<JobView> {
    return (await (await this.call(`/v1/jobs/${encodeURIComponent(id)}`)).json()) as JobView;
  }

  /** Asks the server to cancel the job (a queued job at once; a running one at its next step). */
  async cancel(id: string): Promise<JobView> {
    return (await (await this.call(`/v1/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' })).json()) as JobView;
  }

  /** The pretrained styles the server has. */
  async styles(): Promise<StyleView[]> {
    return ((await (await this.call('/v1/styles')).json()) as { styles: StyleView[] }).styles;
  }

  /** The job's events as they happen (Server-Sent Events), ending with `done`. */
  async *events(id: string, o: { signal?: AbortSignalLike } = {}): AsyncGenerator<JobEvent> {
    const res = await this.call(`/v1/jobs/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream' }, signal: o.signal });
    const reader = res.body?.getReader();
    if (!reader) throw new ImpastoError('IO', 'the server sent no event stream');
    const decoder = new web.TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { done, value } = await raceAbort(reader.read(), o.signal, 'following the job was aborted');
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as JobEvent;
          yield event;
          if (event.type === 'done') return;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  /** The finished job and its output; a job that failed or was canceled rejects with its error. */
  async result(id: string, o: { signal?: AbortSignalLike } = {}): Promise<JobResult> {
    let job = await this.get(id);
    if (!FINISHED.includes(job.status)) {
      for await (const e of this.events(id, o)) if (e.type === 'done') job = e.job;
    }
    return this.outputOf(job);
  }

  /** A finished job's output (its error, when it did not succeed). */
  private async outputOf(job: JobView): Promise<JobResult> {
    if (job.status !== 'succeeded') {
      const code = job.status === 'canceled' ? 'ABORTED' : ((job.error?.code ?? 'RUNTIME') as ImpastoErrorCode);
      throw Object.assign(new ImpastoError(code, job.error?.message ?? `the job ${job.status}`), { job });
    }
    const bytes = new Uint8Array(await (await this.call(job.output!.url)).arrayBuffer());
    return { job, output: bytes };
  }

  /** Submits `request` and follows it: `events` as they happen, `result` the output (aborting `signal` cancels the job). */
  run(request: JobRequest, o: { signal?: AbortSignalLike } = {}): Run<JobEvent, JobResult> {
    return startRun(async (emit) => {
      const job = await this.submit(request);
      const cancel = () => void this.cancel(job.id).catch(() => undefined);
      o.signal && typeof o.signal.addEventListener === 'function' && o.signal.addEventListener('abort', cancel, { once: true });
      try {
        let done: JobView | undefined;
        for await (const e of this.events(job.id)) {
          if (e.type === 'done') done = e.job;
          await emit(e);
        }
        return done ? await this.outputOf(done) : await this.result(job.id);
      } finally {
        o.signal?.removeEventListener?.('abort', cancel);
      }
    });
  }
}
