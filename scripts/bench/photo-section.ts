type Row = Record<string, string | number>;
type RunCase = (script: string, args: (string | number)[]) => Record<string, any>;

/** The photo pair the targets are judged on: scikit-image's CC0 coffee, styled by its public-domain night launch. */
const PAIR = ['content/skimage_coffee.png', 'content/skimage_rocket.jpg'] as const;

/**
 * Photo style transfer rows: ms per iteration with the photorealism term against the objective
 * without it (VGG19, Adam, alternated), and the measures on one photo pair for plain NST,
 * Luan's recipe, the photo preset and the colour-only transfer.
 */
export function photoSection({ quick, runCase, images }: { quick: boolean; runCase: RunCase; images: string }): { speed: Row[]; quality: Row[] } {
  const size = quick ? 256 : 512;
  const runs: Record<string, Record<string, any>[]> = { without: [], with: [] };
  for (let rep = 0; rep < (quick ? 1 : 3); rep++) for (const v of ['without', 'with'] as const) runs[v]!.push(runCase('photo-case.ts', ['speed', v, size, 3]));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const ms = (v: string) => runs[v]!.map((r) => r.msPerIteration as number);
  const [a, b] = [median(ms('without')), median(ms('with'))];
  const row = (v: string, objective: string, ratio: string): Row => ({
    size: `${size}²`,
    objective,
    'ms / iteration (median)': Math.round(median(ms(v))),
    runs: ms(v).map(Math.round).join(', '),
    'peak RSS MiB': Math.round(median(runs[v]!.map((r) => r.peakRssMiB as number))),
    'vs before': ratio,
  });
  const speed: Row[] = [row('without', 'content + style + TV (before)', '1'), row('with', '+ photorealism (matting Laplacian)', (b / a).toFixed(2))];
  const qSize = 256;
  const iterations = quick ? 30 : 100;
  const quality: Row[] = [];
  let plain = NaN;
  for (const variant of ['plain', 'luan', 'photo', 'photo+smooth', 'colors']) {
    const r = runCase('photo-case.ts', ['quality', variant, qSize, iterations, `${images}/${PAIR[0]}`, `${images}/${PAIR[1]}`]);
    if (variant === 'plain') plain = r.residual;
    quality.push({
      variant,
      'colour mean dist (÷ photo’s)': r.meanRatio.toFixed(3),
      'colour cov dist (÷ photo’s)': r.covRatio.toFixed(3),
      'affine residual (÷ plain)': (r.residual / plain).toFixed(4),
      evaluations: String(r.evaluations),
      seconds: r.seconds.toFixed(1),
    });
  }
  return { speed, quality };
}
