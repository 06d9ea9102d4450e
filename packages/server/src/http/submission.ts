import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ImpastoError, getStyle, imageInfo, isImpastoError } from '@impasto/node';
import { estimateMemory, fitInside } from '@impasto/core/platform';
import { JOB_KINDS, type JobKind, resolveJobOptions } from '@impasto/core/client';
import { type BlobStore, tooLarge } from '../blobs/blob-store';
import type { JobSpec } from '../jobs/spec';
import { ServiceError } from '../service-error';

/** What a submission may bring. */
export interface SubmissionLimits {
  /** Bytes of an image or painting upload. */
  readonly imageBytes: number;
  /** Bytes of a video upload. */
  readonly videoBytes: number;
  /** Pixels of an image (checked from its header, before it is queued). */
  readonly maxPixels: number;
  /** The machine's memory budget: a job never reserves more. */
  readonly memoryCapacity: number;
}

/** A job id nobody can guess: 128 random bits. */
export function newJobId(): string {
  return randomBytes(16).toString('base64url');
}

const bad = (message: string) => new ImpastoError('INVALID_ARGUMENT', message);

/** The bytes a job's run is expected to reserve, from its image's size and options. */
function estimate(kind: JobKind, width: number, height: number, o: Record<string, unknown>, capacity: number): number {
  const side = (kind === 'nst' ? o.size : o.maxSize) as number | undefined;
  const [w, h] = fitInside(width, height, side);
  const engine = kind === 'nst' ? (o.net === 'squeezenet' ? 'nst-squeezenet' : 'nst-vgg19') : kind === 'ast' ? 'ast' : 'fst';
  // Above the budget the engine tiles within it: the job then takes the whole budget.
  return Math.min(capacity, estimateMemory(engine, w, h));
}

/** An upload's size from its header, its errors naming the upload as the client sent it (never a server path). */
async function uploadedImageInfo(blobs: BlobStore, key: string, label: string, maxPixels: number): Promise<{ width: number; height: number }> {
  const file = await blobs.localFile(key);
  try {
    return await imageInfo(file.path, { maxPixels });
  } catch (e) {
    if (!isImpastoError(e)) throw e;
    // The pixel limit is this server's, not an option the client has.
    if (e.code === 'IMAGE_TOO_LARGE') throw new ImpastoError('IMAGE_TOO_LARGE', `${label} has more than ${maxPixels} pixels, this server's limit; shrink it first`);
    throw new ImpastoError(e.code, (name) => e.messageFor(name).split(file.path).join(label).replace(/^input file /, ''));
  } finally {
    await file.release();
  }
}

/**
 * Reads a `POST /v1/jobs` multipart body: `kind`, `options` (JSON), `style` (an id, or a file),
 * `image` (a file). Files stream into the blob store as they arrive (byte limits enforced there,
 * 413); the options are resolved with the kind's schema (the library's messages); an image is
 * checked from its header (pixel limit, 413; not an image, 400). Anything refused leaves no blob.
 */
/** The file fields a job form may carry. */
const FILE_FIELDS = ['image', 'style', 'contentMask', 'styleMask'];

export async function readSubmission(req: FastifyRequest, blobs: BlobStore, limits: SubmissionLimits): Promise<JobSpec> {
  const id = newJobId();
  const fields: Record<string, string> = {};
  const files = new Set<string>();
  const names: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string') throw bad(`field ${part.fieldname} must be text`);
        fields[part.fieldname] = part.value;
        continue;
      }
      if (!FILE_FIELDS.includes(part.fieldname)) {
        part.file.resume();
        throw bad(`unexpected file field '${part.fieldname}': a job takes image and style (and an nst job contentMask and styleMask)`);
      }
      // A video may be larger than a photo; the kind comes first in the form when it matters.
      const max = fields.kind === 'video' && part.fieldname === 'image' ? limits.videoBytes : limits.imageBytes;
      await blobs.put(`jobs/${id}/${part.fieldname}`, part.file, { maxBytes: max });
      names[part.fieldname] = (part.filename || part.fieldname).replace(/[^\w .,()+-]/g, '_').slice(0, 80);
      if ((part.file as { truncated?: boolean }).truncated) throw tooLarge(max);
      files.add(part.fieldname);
    }
    const kind = fields.kind as JobKind;
    if (!kind) throw bad(`a job needs a kind: ${JOB_KINDS.join(', ')}`);
    if (!JOB_KINDS.includes(kind)) throw bad(`Unknown job kind '${kind.slice(0, 40)}'; valid kinds: ${JOB_KINDS.join(', ')}`);
    let options: unknown = {};
    if (fields.options !== undefined) {
      try {
        options = JSON.parse(fields.options);
      } catch {
        throw bad('options must be a JSON object, e.g. {"maxSize": 512}');
      }
    }
    const resolved = resolveJobOptions(kind, options);
    if (!files.has('image')) throw bad(`a ${kind} job needs an image file (the field 'image')`);
    let style: JobSpec['style'];
    if (files.has('style')) {
      if (kind === 'fst') throw bad("a fast-style job takes a style id (wave, udnie, …), not a file: send a painting with kind 'ast' or 'nst'");
      style = { blob: `jobs/${id}/style` };
    } else if (fields.style !== undefined) {
      if (kind === 'ast' || kind === 'nst') throw bad(`a ${kind} job takes the painting as a file (the field 'style')`);
      style = { id: getStyle(fields.style).id };
    } else {
      throw bad(`a ${kind} job needs a style: ${kind === 'ast' || kind === 'nst' ? 'a painting file' : 'a style id such as wave'}`);
    }
    let masks: JobSpec['masks'];
    if (files.has('contentMask') || files.has('styleMask')) {
      if (kind !== 'nst') throw bad(`region masks are for nst jobs, not ${kind}`);
      if (!files.has('contentMask') || !files.has('styleMask')) throw bad(`region masks come in pairs: send ${files.has('contentMask') ? 'styleMask' : 'contentMask'} too`);
      masks = { content: `jobs/${id}/contentMask`, style: `jobs/${id}/styleMask` };
      for (const which of ['contentMask', 'styleMask'] as const) await uploadedImageInfo(blobs, `jobs/${id}/${which}`, `the mask '${names[which]}'`, limits.maxPixels);
    }
    let memoryBytes = Math.min(limits.memoryCapacity, estimateMemory('fst', 1280, 720));
    if (kind !== 'video') {
      const info = await uploadedImageInfo(blobs, `jobs/${id}/image`, `the image '${names.image}'`, limits.maxPixels);
      memoryBytes = estimate(kind, info.width, info.height, resolved, limits.memoryCapacity);
      if ('blob' in style) await uploadedImageInfo(blobs, style.blob, `the painting '${names.style}'`, limits.maxPixels);
    } else if (resolved.maxSize) {
      const side = resolved.maxSize as number;
      memoryBytes = Math.min(limits.memoryCapacity, estimateMemory('fst', side, Math.ceil((side * 9) / 16)));
    }
    return { id, kind, input: `jobs/${id}/image`, style, ...(masks ? { masks } : {}), options: resolved, memoryBytes, createdAt: Date.now() };
  } catch (e) {
    await blobs.deletePrefix(`jobs/${id}`).catch(() => undefined);
    // Fastify's multipart limits (a file over the limit) become our 413.
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new ServiceError(413, 'PAYLOAD_TOO_LARGE', (e as Error).message);
    throw e;
  }
}
