// A plain app that uses @impasto/web through its package name, as any bundled app would.
import { FastStyle, ModelStore, toImageData, type StyleName } from '@impasto/web';

const status = document.getElementById('status')!;
const canvas = document.getElementById('out') as HTMLCanvasElement;
const params = new URLSearchParams(location.search);

async function main(): Promise<void> {
  const store = new ModelStore({ weightsBaseUrl: params.get('weights') ?? '/weights/', cache: false });
  const fst = await FastStyle.load((params.get('style') ?? 'wave') as StyleName, { ep: 'wasm' }, { store });
  const photo = await (await fetch(params.get('image') ?? 'photo.jpg')).blob();
  const { image, inferenceMs } = await fst.stylizeWithInfo(photo, { maxSize: 512 });
  const out = toImageData(image);
  canvas.width = out.width;
  canvas.height = out.height;
  canvas.getContext('2d')!.putImageData(out, 0, 0);
  status.textContent = `Done: ${fst.provider}, ${Math.round(inferenceMs)} ms`;
  document.body.dataset.state = 'done';
}

main().catch((e: unknown) => {
  status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
  document.body.dataset.state = 'error';
});
