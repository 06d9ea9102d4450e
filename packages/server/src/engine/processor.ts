import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArbitraryStyle, FastStyle, ImpastoError, NeuralStyle, type OutputFormat, type RawImage, encodeImage, stylizeVideo, type StyleName } from '@impasto/node';
import { nodePlatform } from '@impasto/node/platform';
import { type EnginePool, arbitraryStyleKey, fastStyleKey, neuralStyleKey, splitNstOptions } from '@impasto/core/platform';
import type { JobProgress } from '@impasto/core/client';
import type { BlobStore } from '../blobs/blob-store';
import { type JobSpec, type OutputMeta, checkpointKey, outputKey } from '../jobs/spec';

/** What a job's run may use and tell, besides its spec. */
export interface ProcessContext {
  readonly blobs: BlobStore;
  readonly pool: EnginePool;
  /** Session options every engine of this process is loaded with. */
  readonly session: { readonly intraOpNumThreads: number };
  /** MiB the run may plan for. */
  readonly memoryBudgetMiB: number;
  readonly signal: AbortSignal;
  progress(p: JobProgress): void;
  checkpoint(iteration: number, key: string): void;
}

const IMAGE_TYPES: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif', tiff: 'image/tiff' };
const VIDEO_TYPES: Record<string, string> = { mp4: 'video/mp4', webm: 'video/webm', mkv: 'video/x-matroska', mov: 'video/quicktime' };

async function blob(blobs: BlobStore, key: string, what: string): Promise<Uint8Array> {
  const b = await blobs.get(key);
  if (!b) throw new ImpastoError('MISSING_FILE', `the ${what} of this job is gone (its upload expired before a worker took it)`);
  return b;
}

/** Encodes `image` as the job asks and stores it as the job's output. */
async function storeImage(ctx: ProcessContext, spec: JobSpec, image: RawImage, inferenceMs?: number): Promise<OutputMeta> {
  const format = (spec.options.format as OutputFormat | undefined) ?? 'png';
  const bytes = await encodeImage(image, { format, quality: spec.options.quality as number | undefined });
  const key = outputKey(spec.id);
  const size = await ctx.blobs.put(key, bytes);
  return { key, contentType: IMAGE_TYPES[format], width: image.width, height: image.height, bytes: size, inferenceMs };
}

/** The engine options of this process, with what the job chose. */
const loadOptions = (ctx: ProcessContext, extra: object = {}) => ({ ep: 'cpu' as const, intraOpNumThreads: ctx.session.intraOpNumThreads, ...extra });

/**
 * Runs one job with the engines of `ctx.pool` (warm across jobs): the one job processor of both
 * drivers, in an engine process. Bad input rejects with the library's `ImpastoError`.
 */
export async function processJob(spec: JobSpec, ctx: ProcessContext): Promise<OutputMeta> {
  const o = spec.options;
  const budget = { memoryBudget: ctx.memoryBudgetMiB };
  const { signal } = ctx;
  const fraction = (done: number, total: number) => (total > 0 ? Math.min(1, done / total) : 0);
  switch (spec.kind) {
    case 'fst': {
      const style = (spec.style as { id: string }).id;
      const load = loadOptions(ctx, { precision: o.precision });
      const input = await blob(ctx.blobs, spec.input, 'photo');
      return ctx.pool.use(await fastStyleKey(nodePlatform, style, load), () => FastStyle.load(style as StyleName, load, { signal }), async (fst) => {
        const r = await fst.stylizeWithInfo(input, { maxSize: o.maxSize as number | undefined, preserveColors: o.preserveColors as 'none', tile: o.tile as number | undefined, ...budget }, {
          signal,
          onProgress: (p) => ctx.progress({ fraction: fraction((p.pass - 1) * p.tiles + p.tile, p.passes * p.tiles), done: p.tile, total: p.tiles, unit: 'tile' }),
        });
        return storeImage(ctx, spec, r.image, r.inferenceMs);
      });
    }
    case 'ast': {
      const load = loadOptions(ctx);
      const [input, painting] = await Promise.all([blob(ctx.blobs, spec.input, 'photo'), blob(ctx.blobs, (spec.style as { blob: string }).blob, 'painting')]);
      return ctx.pool.use(await arbitraryStyleKey(nodePlatform, load), () => ArbitraryStyle.load(load, { signal }), async (ast) => {
        const { format: _f, quality: _q, ...stylize } = o;
        const r = await ast.stylizeWithInfo(input, painting, { ...stylize, ...budget }, { signal });
        return storeImage(ctx, spec, r.image, r.inferenceMs);
      });
    }
    case 'nst': {
      const { format: _f, quality: _q, ...rest } = o;
      const { load, run } = splitNstOptions({ ...rest, ...budget });
      const engineOptions = loadOptions(ctx, spec.masks ? { ...load, regions: true } : load);
      const [content, painting, contentMask, styleMask] = await Promise.all([
        blob(ctx.blobs, spec.input, 'photo'),
        blob(ctx.blobs, (spec.style as { blob: string }).blob, 'painting'),
        ...(spec.masks ? [blob(ctx.blobs, spec.masks.content, 'content mask'), blob(ctx.blobs, spec.masks.style, 'style mask')] : []),
      ]);
      return ctx.pool.use(await neuralStyleKey(nodePlatform, engineOptions), () => NeuralStyle.load(engineOptions, { signal }), async (nst) => {
        const r = nst.run({ content, style: painting, contentMask, styleMask }, run, { signal });
        for await (const e of r.events) {
          if (e.type === 'progress') ctx.progress({ fraction: fraction(e.iteration + (e.scale ? (e.scale.index - 1) * e.iterations : 0), e.iterations * (e.scale?.scales ?? 1)), done: e.iteration, total: e.iterations, unit: 'iteration' });
          else {
            const key = checkpointKey(spec.id, e.iteration + (e.scale ? (e.scale.index - 1) * 1_000_000 : 0));
            await ctx.blobs.put(key, await encodeImage(e.image, 'jpeg'));
            ctx.checkpoint(e.iteration, key);
          }
        }
        return storeImage(ctx, spec, (await r.result).image);
      });
    }
    case 'video': {
      const dir = await mkdtemp(join(tmpdir(), 'impasto-video-'));
      const input = await ctx.blobs.localFile(spec.input);
      const painting = 'blob' in spec.style ? await ctx.blobs.localFile(spec.style.blob) : undefined;
      try {
        const format = (o.format as string) ?? 'mp4';
        const output = join(dir, `out-${randomBytes(4).toString('hex')}.${format}`);
        const { format: _f, precision, ...video } = o;
        const load = loadOptions(ctx, { precision });
        const runVideo = (style: Parameters<typeof stylizeVideo>[2]['style']) => stylizeVideo(input.path, output, { ...video, style, load }, { signal });
        const follow = async (r: ReturnType<typeof stylizeVideo>) => {
          for await (const e of r.events) ctx.progress({ fraction: e.frames ? fraction(e.frame, e.frames) : 0, done: e.frame, total: e.frames, unit: 'frame' });
          return r.result;
        };
        const result = painting
          ? await ctx.pool.use(await arbitraryStyleKey(nodePlatform, loadOptions(ctx)), () => ArbitraryStyle.load(loadOptions(ctx), { signal }), async (ast) => follow(runVideo({ engine: ast, style: await ast.encodeStyle(painting.path) })))
          : await ctx.pool.use(await fastStyleKey(nodePlatform, (spec.style as { id: string }).id, load), () => FastStyle.load((spec.style as { id: StyleName }).id, load, { signal }), (fst) => follow(runVideo(fst)));
        const key = outputKey(spec.id);
        const size = await ctx.blobs.put(key, new Uint8Array(await readFile(output)));
        return { key, contentType: VIDEO_TYPES[format] ?? 'application/octet-stream', width: result.width, height: result.height, bytes: size, frames: result.frames };
      } finally {
        await input.release();
        await painting?.release();
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
}
