import { isImpastoError } from '@impasto/core/platform';
import type { JobError } from '@impasto/core/client';

/** An error the HTTP API answers with: a status and the body `{ error: { code, message } }`. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: JobError['code'],
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The HTTP status for one of the library's error codes: bad input 400, too large 413, the rest 500. */
export function statusOf(code: string): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'UNKNOWN_STYLE':
    case 'UNKNOWN_LAYER':
    case 'BAD_IMAGE':
    case 'BAD_VIDEO':
      return 400;
    case 'IMAGE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNAUTHORIZED':
      return 401;
    case 'NOT_FOUND':
      return 404;
    case 'QUEUE_FULL':
      return 503;
    default:
      return 500;
  }
}

/** `e` as `{ code, message }`, one line: the library's own code and message where it is one. */
export function jobErrorOf(e: unknown): JobError {
  if (e instanceof ServiceError) return { code: e.code, message: e.message };
  if (isImpastoError(e)) return { code: e.code, message: e.message.split('\n')[0]! };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'RUNTIME', message: message.split('\n')[0]! };
}

/** Errors that no retry can fix: the input or the options are wrong. */
export function isBadInput(code: string): boolean {
  return ['INVALID_ARGUMENT', 'UNKNOWN_STYLE', 'UNKNOWN_LAYER', 'BAD_IMAGE', 'BAD_VIDEO', 'IMAGE_TOO_LARGE', 'NUMERIC', 'ABORTED', 'CANCELED', 'TIMEOUT'].includes(code);
}
