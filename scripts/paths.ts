/**
 * Where the scripts find the repository and the shared sample data beside it (`../shared`):
 * computed from this file's location, never from the working directory.
 */
import { resolve } from 'node:path';

/** The repository root. */
export const REPO = resolve(__dirname, '..');
/** The shared folder beside the repository: sample images, the weights mirror, SHA256SUMS. */
export const SHARED = resolve(REPO, '../shared');
/** The shared sample images (content/, style/). */
export const IMAGES = resolve(SHARED, 'images');

/** The weights mirror: `IMPASTO_WEIGHTS`, else `shared/weights` beside the repository. */
export function weightsDir(): string {
  return resolve(process.env.IMPASTO_WEIGHTS || resolve(SHARED, 'weights'));
}
