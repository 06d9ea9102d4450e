// The page at `/`: the service through ImpastoClient, for someone who only wants their picture.
import { ImpastoClient, type JobRequest, type StyleView } from '@impasto/core/client';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const state: { photo?: File; style?: string; painting?: File; jobId?: string; url?: string } = {};
let client = new ImpastoClient({ baseUrl: location.origin, token: localStorage.getItem('impasto-token') ?? undefined });

function status(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function ready(): void {
  ($('go') as HTMLButtonElement).disabled = !state.photo || !(state.style || state.painting) || !!state.jobId;
}

function choosePhoto(file: File | undefined): void {
  if (!file) return;
  if (!file.type.startsWith('image/')) return status(`${file.name} is not an image`, true);
  state.photo = file;
  const img = document.createElement('img');
  img.src = URL.createObjectURL(file);
  img.alt = file.name;
  $('drop').replaceChildren(img);
  ($('before') as HTMLImageElement).src = img.src;
  status('');
  ready();
}

function press(button: HTMLElement): void {
  for (const b of document.querySelectorAll('.style')) b.setAttribute('aria-pressed', String(b === button));
}

async function gallery(): Promise<void> {
  let styles: StyleView[];
  try {
    styles = await client.styles();
  } catch (e) {
    if ((e as { status?: number }).status === 401) return askToken();
    return status(`could not list the styles: ${(e as Error).message}`, true);
  }
  const tiles = styles.map((s) => {
    const b = document.createElement('button');
    b.className = 'style';
    b.setAttribute('aria-pressed', 'false');
    const img = document.createElement('img');
    img.loading = 'lazy';
    img.alt = s.title;
    img.src = s.thumbnail;
    const label = document.createElement('span');
    label.innerHTML = `${s.title.replace(/ \(.*\)$/, '')}<small>${s.artist}</small>`;
    b.append(img, label);
    b.onclick = () => {
      state.style = s.id;
      state.painting = undefined;
      $('own-options').classList.remove('on');
      press(b);
      ready();
    };
    return b;
  });
  const own = document.createElement('button');
  own.className = 'style';
  own.innerHTML = '<div class="own">+</div><span>Your own painting<small>any image</small></span>';
  own.onclick = () => $('painting').click();
  ($('painting') as HTMLInputElement).onchange = () => {
    const f = ($('painting') as HTMLInputElement).files?.[0];
    if (!f) return;
    state.painting = f;
    state.style = undefined;
    own.querySelector('.own')!.replaceChildren(Object.assign(document.createElement('img'), { src: URL.createObjectURL(f), alt: f.name }));
    $('own-options').classList.add('on');
    press(own);
    ready();
  };
  $('gallery').replaceChildren(...tiles, own);
}

function askToken(): void {
  const token = prompt('This server needs a token:');
  if (!token) return status('no token: the server refuses requests without one', true);
  localStorage.setItem('impasto-token', token);
  client = new ImpastoClient({ baseUrl: location.origin, token });
  void gallery();
}

async function stylize(): Promise<void> {
  const engine = (document.querySelector('input[name=engine]:checked') as HTMLInputElement).value as 'ast' | 'nst';
  const request: JobRequest = state.painting
    ? engine === 'nst'
      ? { kind: 'nst', image: state.photo!, style: state.painting, options: { size: 512, iterations: 200, checkpointEvery: 25, format: 'jpeg' }, imageName: state.photo!.name, styleName: state.painting.name }
      : { kind: 'ast', image: state.photo!, style: state.painting, options: { maxSize: 1600, format: 'jpeg' }, imageName: state.photo!.name, styleName: state.painting.name }
    : { kind: 'fst', image: state.photo!, style: state.style!, options: { maxSize: 1600, format: 'jpeg' }, imageName: state.photo!.name };
  const progress = $('progress') as HTMLProgressElement;
  $('checkpoints').replaceChildren();
  $('download').hidden = true;
  $('compare').classList.remove('on');
  $('labels').hidden = true;
  status('uploading…');
  try {
    const job = await client.submit(request);
    state.jobId = job.id;
    ready();
    $('cancel').hidden = false;
    progress.hidden = false;
    progress.value = 0;
    status('waiting for a free worker…');
    for await (const e of client.events(job.id)) {
      if (e.type === 'status') status(e.status === 'running' ? 'working…' : 'waiting for a free worker…');
      else if (e.type === 'progress') {
        progress.value = e.progress.fraction;
        status(e.progress.total ? `working… ${e.progress.unit ?? 'step'} ${e.progress.done} of ${e.progress.total}` : 'working…');
      } else if (e.type === 'checkpoint') {
        const img = document.createElement('img');
        img.src = `${e.url}`;
        img.alt = `iteration ${e.iteration}`;
        $('checkpoints').append(img);
      }
    }
    const { job: done, output } = await client.result(job.id);
    if (state.url) URL.revokeObjectURL(state.url);
    state.url = URL.createObjectURL(new Blob([output as Uint8Array<ArrayBuffer>], { type: done.output!.contentType }));
    ($('after') as HTMLImageElement).src = state.url;
    const a = $('download') as HTMLAnchorElement;
    a.href = state.url;
    a.download = `${state.photo!.name.replace(/\.[^.]+$/, '')}-${state.style ?? engine}.jpg`;
    a.hidden = false;
    $('compare').classList.add('on');
    $('labels').hidden = false;
    split();
    progress.value = 1;
    status(`done in ${((done.timings.runMs ?? 0) / 1000).toFixed(1)} s`);
  } catch (e) {
    const err = e as { code?: string; message: string; status?: number };
    if (err.status === 401) askToken();
    status(err.code === 'ABORTED' ? 'canceled' : err.message, err.code !== 'ABORTED');
  } finally {
    state.jobId = undefined;
    $('cancel').hidden = true;
    progress.hidden = true;
    ready();
  }
}

function split(): void {
  const v = Number(($('split') as HTMLInputElement).value);
  const after = $('compare').querySelector('.after') as HTMLElement;
  const width = ($('before') as HTMLImageElement).clientWidth;
  after.style.clipPath = `inset(0 0 0 ${v}%)`;
  $('result').style.setProperty('--shown', `${width}px`);
  ($('after') as HTMLImageElement).style.width = `${width}px`;
  ($('compare').querySelector('.bar') as HTMLElement).style.left = `${v}%`;
}

const drop = $('drop');
drop.onclick = () => $('photo').click();
drop.onkeydown = (e) => (e.key === 'Enter' || e.key === ' ') && $('photo').click();
($('photo') as HTMLInputElement).onchange = () => choosePhoto(($('photo') as HTMLInputElement).files?.[0]);
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  choosePhoto(e.dataTransfer?.files[0]);
};
$('go').onclick = () => void stylize();
$('cancel').onclick = () => state.jobId && void client.cancel(state.jobId);
$('split').oninput = split;
window.onresize = split;
void gallery();
