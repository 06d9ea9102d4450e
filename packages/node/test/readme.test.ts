// Every command in the README's ```sh blocks runs as written, from a folder laid out like a clone
// beside shared/ (the repository's node_modules linked in, so `npx impasto` is this build): each
// exits 0 and writes what it names. `npm ci` and `npm test` are what CI itself runs (and `npm test`
// inside `npm test` would never end), so they are the two lines not run here. The CLI is the BUILT one.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shCommands } from '@impasto/test-support/readme-sh';
import { SHARED, tempDir } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const NOT_RUN = new Set(['npm ci', 'npm test']);

/** The commands of every ```sh block but the two CI runs itself. */
function readmeCommands(): { block: number; command: string }[] {
  return shCommands(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter((c) => !NOT_RUN.has(c.command));
}

describe('the README', () => {
  const commands = readmeCommands();
  // A clone's layout: <tmp>/impasto (cwd, node_modules linked) beside <tmp>/shared.
  const top = tempDir('impasto-readme-');
  const cwd = join(top, 'impasto');
  mkdirSync(cwd);
  symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'));
  symlinkSync(SHARED, join(top, 'shared'));
  const env: NodeJS.ProcessEnv = { ...process.env, IMPASTO_CACHE: join(top, 'cache') };
  delete env.IMPASTO_WEIGHTS;
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  });

  it('has commands to run', () => {
    expect(commands.length).toBeGreaterThan(8);
  });

  it.each(commands.map((c) => [c.block, c.command]))('block %i: %s', async (_block, command) => {
    if (/impasto serve/.test(command)) {
      // The server runs until stopped: started here, used by the next command, stopped at the end.
      // Its own process group, so the whole of it (bash, npx, node) stops at the end.
      server = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let log = '';
      server.stderr!.on('data', (b: Buffer) => (log += b.toString('utf8')));
      const ready = await new Promise<boolean>((ok) => {
        const t = setInterval(() => /serving on/.test(log) && (clearInterval(t), ok(true)), 100);
        setTimeout(() => (clearInterval(t), ok(false)), 30_000);
      });
      expect(ready ? '' : log).toBe('');
      return;
    }
    const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 26 });
    expect({ code: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
    // What it says it writes is there.
    const output = /(?:-o|--output)\s+(\S+)/.exec(command)?.[1];
    if (output && output !== '-') expect(existsSync(join(cwd, output))).toBe(true);
    if (/^curl /.test(command)) expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded', output: { contentType: 'image/png' } });
  }, 600_000);
});
