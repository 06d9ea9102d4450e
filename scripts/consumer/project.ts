/**
 * A consumer's project, as a new user makes one: the three packages packed with `npm pack`,
 * installed from the tarballs into a fresh folder outside the workspace together with the current
 * Vite and TypeScript (and the other bundlers), plus the fixture app and examples in scripts/consumer/fixture/.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'fixture');

/**
 * What the consumer installs beside our packages: today's `npm i -D vite typescript @types/node`,
 * and the other bundlers the app is built with (Vite 7 under an alias, webpack 5 with its CLI and
 * dev server, esbuild).
 */
export const CONSUMER_TOOLS = {
  vite: '^8.4.0',
  typescript: '^7.0.2',
  '@types/node': '^20.19.43',
  vite7: 'npm:vite@^7.3.0',
  webpack: '^5.100.0',
  'webpack-cli': '^6.0.1',
  'webpack-dev-server': '^5.2.2',
  esbuild: '^0.28.0',
};

export interface Ran { code: number | null; out: string }

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 300_000): Ran {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } });
  return { code: r.status, out: `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}

/** `r`'s output, or an error with its tail when it failed. */
export function must(r: Ran, what: string): string {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.out.slice(-4000)}`);
  return r.out;
}

/** Packs the built packages into `dir/tgz` and installs them with the tools into `dir`. Returns the install log. */
export function makeConsumerProject(dir: string): string {
  const tgz = join(dir, 'tgz');
  mkdirSync(tgz, { recursive: true });
  const deps: Record<string, string> = {};
  for (const name of ['core', 'node', 'web']) {
    const before = new Set(readdirSync(tgz));
    must(run('npm', ['pack', '--silent', '--pack-destination', tgz], join(ROOT, 'packages', name)), `npm pack @impasto/${name}`);
    const file = readdirSync(tgz).find((f) => !before.has(f))!;
    deps[`@impasto/${name}`] = `file:tgz/${file}`;
  }
  cpSync(FIXTURE, dir, { recursive: true });
  const pkg = {
    name: 'impasto-consumer', private: true, type: 'module',
    dependencies: deps,
    devDependencies: CONSUMER_TOOLS,
    // The README's advice: onnxruntime-node's install script would fetch CUDA binaries from outside npm.
    allowScripts: { 'onnxruntime-node': false, esbuild: true, protobufjs: true },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return must(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir), 'npm install of the tarballs');
}

/** A long-running command (a Vite server) and the first URL it prints. */
export function serve(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess; log: () => string }> {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${cmd} ${args.join(' ')} printed no URL in 60 s:\n${log}`)), 60_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (m) { clearTimeout(timer); res({ url: m[1]!, child, log: () => log }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`${cmd} exited (${code}):\n${log}`)); });
    child.on('error', (e) => { clearTimeout(timer); rej(e); });
  });
}
