/**
 * The consumer app (fixture/app/main.ts) built the way each bundler's user would: Vite 8 and Vite 7
 * (`vite build`, `vite preview`, `vite` dev), webpack 5 (its defaults: src/index.js → dist/, and
 * `webpack serve`), esbuild (the recipe in packages/web/README.md, read from there and run as
 * written). Each build leaves a folder to serve with only the COOP/COEP headers set.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shCommands } from '../readme-sh';
import { must, run } from './project';

const ROOT = resolve(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'fixture');

/** The app's static files (photo, clip) into `dir`. */
function copyPublic(dir: string, publicDir: string): void {
  cpSync(publicDir, dir, { recursive: true });
}

/** Vite (`major` 8 is the project's `vite`, 7 its `vite7` alias): the command to run. */
export function viteCommand(project: string, major: 7 | 8): [string, string[]] {
  return major === 8
    ? [join(project, 'node_modules', '.bin', 'vite'), []]
    : [process.execPath, [join(project, 'node_modules', 'vite7', 'bin', 'vite.js')]];
}

/**
 * A webpack 5 project beside the app: src/index.js is the app with its types stripped (webpack's
 * defaults read JavaScript), public/ its page and files (and the weights, for `webpack serve`).
 */
export function webpackProject(project: string, weights: string): string {
  const dir = join(project, 'webpack');
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'public'), { recursive: true });
  execFileSync(join(project, 'node_modules', '.bin', 'esbuild'), [join(project, 'app', 'main.ts'), '--format=esm', `--outfile=${join(dir, 'src', 'index.js')}`, '--log-level=warning']);
  cpSync(join(FIXTURE, 'webpack', 'webpack.config.js'), join(dir, 'webpack.config.js'));
  cpSync(join(FIXTURE, 'webpack', 'index.html'), join(dir, 'public', 'index.html'));
  copyPublic(join(dir, 'public'), join(project, 'app', 'public'));
  symlinkSync(weights, join(dir, 'public', 'weights'));
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  return dir;
}

/** `webpack --mode production`, and the page beside the bundle (webpack's defaults emit no HTML). */
export function webpackBuild(dir: string, project: string): string {
  must(run(join(project, 'node_modules', '.bin', 'webpack'), ['--mode', 'production'], dir), 'webpack build');
  const out = join(dir, 'dist');
  cpSync(join(dir, 'public', 'index.html'), join(out, 'index.html'));
  copyPublic(out, join(project, 'app', 'public'));
  return out;
}

/** The commands of the first ```sh block after `heading` in `readme`. */
export function readmeRecipe(readme: string, heading: string): string[] {
  const md = readFileSync(readme, 'utf8');
  const at = md.indexOf(heading);
  if (at < 0) throw new Error(`${readme} has no "${heading}"`);
  const recipe = shCommands(md.slice(at)).filter((c) => c.block === 1).map((c) => c.command);
  if (!recipe.length) throw new Error(`no sh block after "${heading}" in ${readme}`);
  return recipe;
}

/**
 * esbuild, by the web README's recipe, run as written in the project: the app with its worker line
 * as the README says to write it for esbuild, the page, the files.
 */
export function esbuildBuild(project: string): string {
  const app = readFileSync(join(project, 'app', 'main.ts'), 'utf8');
  const esbuildApp = app.replace("new URL('@impasto/web/worker', import.meta.url)", "new URL('./worker.js', import.meta.url)");
  if (esbuildApp === app) throw new Error('the fixture app no longer starts its worker from @impasto/web/worker');
  writeFileSync(join(project, 'main.ts'), esbuildApp);
  for (const command of readmeRecipe(join(ROOT, 'packages', 'web', 'README.md'), '### esbuild')) {
    must(run('sh', ['-c', command], project, { PATH: `${join(project, 'node_modules', '.bin')}:${process.env.PATH}` }), command);
  }
  const out = join(project, 'dist');
  cpSync(join(FIXTURE, 'esbuild', 'index.html'), join(out, 'index.html'));
  copyPublic(out, join(project, 'app', 'public'));
  return out;
}
