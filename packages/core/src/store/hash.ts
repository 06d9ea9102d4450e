import { sha256Digest, utf8Encode } from '../platform';

/** SHA-256 of `bytes` as lowercase hex, through WebCrypto (present in Node 20+ and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await sha256Digest(bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A stable key for a set of files: the hash of their sorted `path:sha256` lines. */
export async function combinedHash(files: Readonly<Record<string, string>>): Promise<string> {
  const lines = Object.keys(files).sort().map((k) => `${k}:${files[k]}`).join('\n');
  return sha256Hex(utf8Encode(lines));
}
