import sharp from 'sharp';
import { getStyle } from '@impasto/node';
import type { BlobStore } from './blobs/blob-store';
import { newJobId } from './http/submission';
import type { JobDriver, JobSpec } from './jobs/spec';

/**
 * A small landscape drawn here (sky, sun, hills, a lake), so a style's thumbnail shows the style at
 * work without shipping anyone's photo.
 */
const SWATCH_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3b6fb6"/><stop offset="1" stop-color="#f4c27a"/></linearGradient>
<linearGradient id="lake" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5d8fc9"/><stop offset="1" stop-color="#1f3b63"/></linearGradient></defs>
<rect width="240" height="160" fill="url(#sky)"/><circle cx="170" cy="52" r="22" fill="#fff1c4"/>
<path d="M0 110 L40 70 L80 100 L120 55 L170 105 L210 80 L240 100 L240 160 L0 160 Z" fill="#47653a"/>
<path d="M0 125 Q60 105 120 122 T240 118 L240 160 L0 160 Z" fill="#2f4a2a"/>
<rect x="0" y="132" width="240" height="28" fill="url(#lake)"/>
<rect x="30" y="96" width="26" height="22" fill="#c9603f"/><path d="M26 98 L43 84 L60 98 Z" fill="#7a2e22"/></svg>`;

let swatch: Promise<Uint8Array> | undefined;
function swatchPng(): Promise<Uint8Array> {
  return (swatch ??= sharp(Buffer.from(SWATCH_SVG)).png().toBuffer().then((b) => new Uint8Array(b)));
}

/** Thumbnails of the pretrained styles, each made once by a job of the server's own and kept. */
export class Thumbnails {
  private readonly made = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly driver: JobDriver,
    private readonly blobs: BlobStore,
  ) {}

  /** The JPEG thumbnail of `style` (`UNKNOWN_STYLE` for an id that is not one). */
  get(style: string): Promise<Uint8Array> {
    const id = getStyle(style).id;
    let p = this.made.get(id);
    if (!p) {
      p = this.make(id);
      this.made.set(id, p);
      p.catch(() => this.made.delete(id));
    }
    return p;
  }

  private async make(style: string): Promise<Uint8Array> {
    const id = newJobId();
    await this.blobs.put(`jobs/${id}/image`, await swatchPng());
    const spec: JobSpec = { id, kind: 'fst', input: `jobs/${id}/image`, style: { id: style }, options: { format: 'jpeg', quality: 85, preserveColors: 'none', precision: 'fp32' }, memoryBytes: 128 * 2 ** 20, createdAt: Date.now(), internal: true };
    const done = new Promise<void>((resolve, reject) => {
      const stop = this.driver.subscribe(id, (e) => {
        if (e.type !== 'done') return;
        stop();
        if (e.record.status === 'succeeded') resolve();
        else reject(new Error(e.record.error?.message ?? 'the thumbnail job failed'));
      });
    });
    await this.driver.submit(spec);
    await done;
    const bytes = await this.blobs.get(`jobs/${id}/output`);
    if (!bytes) throw new Error('the thumbnail job left no output');
    return bytes;
  }
}
