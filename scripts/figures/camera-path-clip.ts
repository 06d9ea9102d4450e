import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export interface CameraPath {
  /** Frames to render [36]. */
  readonly frames?: number;
  /** The clip's size [320x240]. */
  readonly width?: number;
  readonly height?: number;
  /** Frames per second [12]. */
  readonly fps?: number;
}

/**
 * A clip a repository may ship: a slow camera move (a pan to the right and a gentle zoom in) over
 * one photo, rendered frame by frame with sharp (a window of the photo, resized with Lanczos) and
 * muxed losslessly (FFV1 in Matroska) by ffmpeg. Every frame is the same scene, so a stable
 * stylization of it keeps its strokes on the scene.
 */
export async function cameraPathClip(photo: string, out: string, path: CameraPath = {}): Promise<string> {
  const { frames = 36, width = 320, height = 240, fps = 12 } = path;
  const meta = await sharp(photo).metadata();
  const W = meta.width!;
  const H = meta.height!;
  // The window starts at 80 % of the photo's height (4:3) on the left and ends 8 % narrower, 15 % of the width to the right.
  const h0 = Math.min(H, (W * 3) / 4) * 0.8;
  const dir = mkdtempSync(join(tmpdir(), 'impasto-camera-path-'));
  try {
    for (let f = 0; f < frames; f++) {
      const t = frames > 1 ? f / (frames - 1) : 0;
      const eased = t * t * (3 - 2 * t);
      const h = h0 * (1 - 0.08 * eased);
      const w = (h * width) / height;
      const left = Math.round(0.02 * W + 0.15 * W * eased);
      const top = Math.round((H - h) / 2);
      await sharp(photo)
        .extract({ left, top, width: Math.round(w), height: Math.round(h) })
        .resize(width, height, { kernel: 'lanczos3' })
        .removeAlpha()
        .png()
        .toFile(join(dir, `${String(f).padStart(4, '0')}.png`));
    }
    const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-framerate', String(fps), '-i', join(dir, '%04d.png'), '-c:v', 'ffv1', '-pix_fmt', 'bgr0', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ffmpeg could not mux the camera-path clip: ${r.stderr || r.error?.message}`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
