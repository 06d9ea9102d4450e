/// <reference types="vite/client" />
// A plain app that stylizes videos in @impasto/web's worker, imported by package name as any
// bundled app would. Built by bundle.test.ts to check the chunks: OpenCV.js (10 MB, for the
// stabilizer) must be a file of its own, fetched only when a video is stabilized.
import { FastStyleWorker, ModelStore, toImageData } from '@impasto/web';
// Vite's way to bundle a module worker from a package (`new URL('@impasto/web/worker', import.meta.url)` elsewhere).
import ImpastoWorker from '@impasto/web/worker?worker';

const status = document.getElementById('status')!;
const preview = document.getElementById('preview') as HTMLCanvasElement;
const download = document.getElementById('download') as HTMLAnchorElement;
const worker = new FastStyleWorker(new ImpastoWorker(), { store: { weightsBaseUrl: '/weights/' } });

document.getElementById('clip')!.addEventListener('change', async (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  if (!file) return;
  try {
    await worker.load('wave', { ep: 'wasm' });
    const run = worker.stylizeVideo(file, { maxSize: 512 }, { previewEvery: 10 });
    for await (const p of run.events) {
      status.textContent = `frame ${p.frame}${p.frames ? `/${p.frames}` : ''}, ${p.fps.toFixed(1)} fps`;
      if (p.preview) {
        const img = toImageData(p.preview);
        preview.width = img.width;
        preview.height = img.height;
        preview.getContext('2d')!.putImageData(img, 0, 0);
      }
    }
    const { output, container } = await run.result;
    download.href = URL.createObjectURL(output);
    download.download = `stylized.${container}`;
    download.hidden = false;
    status.textContent = 'Done';
  } catch (e) {
    status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
  }
});

// Referenced so the store's module is kept like an app that configures one would.
void ModelStore;
