/**
 * Serves the built browser demo (packages/web/demo/dist), onnxruntime-web's runtime files at /ort/
 * and the weights mirror at /weights/, with the COOP/COEP headers that let onnxruntime-web use wasm
 * threads (SharedArrayBuffer needs a cross-origin isolated page).
 *
 *   npm run demo:web                      # builds the demo, then serves it on http://127.0.0.1:5174/
 *   npx tsx scripts/serve-demo.ts --port 0 --host 127.0.0.1
 *
 * Weights come from IMPASTO_WEIGHTS, else ../shared/weights beside the repository.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';

const REPO = resolve(__dirname, '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface DemoServerOptions {
  /** 0 picks a free port (default 5174). */
  port?: number;
  host?: string;
  /** The built demo (default packages/web/demo/dist). */
  demoDir?: string;
  /** The weights mirror (default IMPASTO_WEIGHTS, else ../shared/weights). */
  weightsDir?: string;
  /** Log each request. */
  log?: boolean;
  /** More URL prefixes ('/x/') → folders, tried before the built demo at '/'. */
  extraMounts?: [string, string][];
  /** Send COOP/COEP, so pages are cross-origin isolated and wasm may use threads [true]; false serves a plain page. */
  crossOriginIsolated?: boolean;
}

export interface DemoServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export function defaultWeightsDir(): string {
  return process.env.IMPASTO_WEIGHTS || resolve(REPO, '..', 'shared', 'weights');
}

function ortDistDir(): string {
  // The package's "node" export lives in dist/, next to the browser runtime files.
  const req = createRequire(join(REPO, 'packages', 'web', 'package.json'));
  return dirname(req.resolve('onnxruntime-web'));
}

/** Maps a URL path under `root` to a file, refusing anything that escapes it. */
function within(root: string, rel: string): string | undefined {
  const p = normalize(join(root, rel));
  return p === root || p.startsWith(root + sep) ? p : undefined;
}

export function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const demoDir = resolve(options.demoDir ?? join(REPO, 'packages', 'web', 'demo', 'dist'));
  const weightsDir = resolve(options.weightsDir ?? defaultWeightsDir());
  const ortDir = ortDistDir();
  const mounts: [string, string][] = [
    ['/weights/', weightsDir],
    ['/ort/', ortDir],
    ...(options.extraMounts ?? []).map(([m, d]): [string, string] => [m, resolve(d)]),
    ['/', demoDir],
  ];
  const server = createServer((req, res) => {
    const headers: Record<string, string> = {
      ...(options.crossOriginIsolated === false ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }),
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    };
    const send = (status: number, text: string) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad path');
    }
    const [prefix, root] = mounts.find(([m]) => path.startsWith(m))!;
    let file = within(root, path.slice(prefix.length));
    if (file && prefix === '/' && (path === '/' || (existsSync(file) && statSync(file).isDirectory()))) file = join(file, 'index.html');
    if (options.log) console.log(req.method, path);
    if (!file || !existsSync(file) || !statSync(file).isFile()) return send(404, `not found: ${path}`);
    const size = statSync(file).size;
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': prefix === '/' ? 'no-cache' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5174, options.host ?? '127.0.0.1', () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolvePromise({
        url: `http://${host}:${port}/`,
        server,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const port = Number(arg('--port') ?? process.env.PORT ?? 5174);
  const host = arg('--host') ?? '127.0.0.1';
  const demoDir = join(REPO, 'packages', 'web', 'demo', 'dist');
  if (!existsSync(join(demoDir, 'index.html'))) {
    console.error(`The demo is not built (${demoDir}); run: npm run build:demo -w @impasto/web`);
    process.exit(1);
  }
  const weightsDir = defaultWeightsDir();
  if (!existsSync(weightsDir)) console.warn(`No weights mirror at ${weightsDir}; set IMPASTO_WEIGHTS (the demo will get 404s).`);
  const s = await startDemoServer({ port, host, demoDir, weightsDir, log: args.includes('--log') });
  console.log(`Impasto demo on ${s.url}  (weights: ${weightsDir})`);
}

if (require.main === module) void main();
