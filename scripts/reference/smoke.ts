/**
 * Smoke test of the TF.js references: `npx tsx scripts/reference/smoke.ts` from the repo root.
 * Checks FST cpu vs wasm at 64x64 and the VGG loss gradient against central differences at 64x64
 * (cpu), then times FST and VGG loss+grad at 256x256 on wasm. Takes about 3 minutes.
 * Weights: $IMPASTO_WEIGHTS, default shared/weights beside the repository. Exits 1 when a check fails.
 */
import { join } from 'node:path';
import { weightsDir } from '../paths';
import { loadTfjsFastStyle } from './fst-tfjs';
import { loadTfjsVggLoss } from './vgg-loss-tfjs';
import { wasmMode } from './tfjs-backend';

const weights = weightsDir();
const fstDir = join(weights, 'fst', 'udnie');
const vggDir = join(weights, 'vgg19-tfjs-uint8');

/** Seeded uniform [0, 1) (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const image = (h: number, w: number): Float32Array => Float32Array.from({ length: h * w * 3 }, () => rand() * 255);
const normal = (n: number): Float32Array =>
  Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
const ms = (t0: number): string => `${(performance.now() - t0).toFixed(0)} ms`;

let failed = false;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
}

async function fst(): Promise<void> {
  const input = image(64, 64);
  const cpu = await loadTfjsFastStyle(fstDir, 'cpu');
  const a = await cpu.run(input, 64, 64);
  cpu.dispose();
  const wasm = await loadTfjsFastStyle(fstDir, 'wasm');
  const b = await wasm.run(input, 64, 64);
  let maxDiff = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    lo = Math.min(lo, a[i]!);
    hi = Math.max(hi, a[i]!);
  }
  check(a.length === 64 * 64 * 3 && Number.isFinite(lo + hi), `FST 64x64 output: ${a.length} values in [${lo.toFixed(1)}, ${hi.toFixed(1)}]`);
  check(maxDiff / 255 < 1e-3, `FST 64x64 cpu vs wasm: max |diff| = ${maxDiff.toExponential(2)} (${(maxDiff / 255).toExponential(2)} of 0..255)`);

  const big = image(256, 256);
  await wasm.run(big, 256, 256); // warm-up: first-call kernel setup
  const t0 = performance.now();
  await wasm.run(big, 256, 256);
  console.log(`time FST 256x256 on ${await wasmMode()}: ${ms(t0)}`);
  wasm.dispose();
}

/** Diagonal colour stripes: a style whose Gram matrices differ clearly from a noise image's. */
function stripes(h: number, w: number): Float32Array {
  const a = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) a[(y * w + x) * 3 + c] = 127.5 + 120 * Math.sin((x * (c + 1) + y * (3 - c)) * 0.35);
  return a;
}

async function vgg(): Promise<void> {
  const n = 64 * 64 * 3;
  const [content, style, x, d] = [image(64, 64), stripes(64, 64), image(64, 64), normal(n)];
  // Content alone, then style-dominated: a wrong factor in either term shows in one of the two.
  for (const styleWeight of [0, 1]) {
    const loss = await loadTfjsVggLoss(vggDir, 'cpu', { styleWeight });
    loss.setTargets(content, style, 64, 64);
    const t0 = performance.now();
    const { loss: l0, grad } = await loss.lossAndGrad(x);
    const took = ms(t0);
    let gd = 0;
    for (let i = 0; i < n; i++) gd += grad[i]! * d[i]!;
    // Central difference along d (|d| ~ 110). Its error is O(eps) (relu kinks crossed by the step),
    // and below eps ~ 0.01 the float32 loss (~1e-5 relative error) drowns the difference.
    const report: string[] = [];
    let rel = Infinity;
    for (const eps of [0.03, 0.01]) {
      const shifted = (s: number): Float32Array => x.map((v, i) => v + s * eps * d[i]!);
      const fd = ((await loss.loss(shifted(1))) - (await loss.loss(shifted(-1)))) / (2 * eps);
      rel = Math.abs(fd - gd) / Math.abs(gd);
      report.push(`eps ${eps}: ${fd.toExponential(4)} (rel err ${rel.toExponential(1)})`);
    }
    check(rel < 2e-2, `VGG 64x64 cpu, style weight ${styleWeight}: loss ${l0.toExponential(4)} (loss+grad ${took}); grad.d ${gd.toExponential(4)} vs central difference ${report.join(', ')}`);
    loss.dispose();
  }

  const wasm = await loadTfjsVggLoss(vggDir, 'wasm', { styleWeight: 1 });
  wasm.setTargets(image(256, 256), stripes(256, 256), 256, 256);
  const t0 = performance.now();
  const r = await wasm.lossAndGrad(image(256, 256));
  console.log(`time VGG19 loss+grad 256x256 on ${await wasmMode()}: ${ms(t0)} (loss ${r.loss.toExponential(4)})`);
  wasm.dispose();
}

(async () => {
  await fst();
  await vgg();
  process.exit(failed ? 1 : 0);
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
