import cliProgress from 'cli-progress';

/** A progress bar on stderr that stays silent when stderr is not a terminal (logs, CI). */
export function progressBar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 5 },
    cliProgress.Presets.shades_classic,
  );
}

/** Download progress for the model store, one bar per file, shown only on a terminal. */
export function downloadReporter(): (p: { file: string; model: string; loaded: number; total: number }) => void {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  return (p) => {
    const key = `${p.model}/${p.file}`;
    if (key !== current) {
      bar?.stop();
      current = key;
      bar = progressBar(`downloading ${key} [{bar}] {percentage}% {value}/{total} bytes`);
      bar.start(p.total || 1, 0);
    }
    bar?.update(p.loaded);
    if (p.total && p.loaded >= p.total) bar?.stop();
  };
}

/** Progress of a tiled run (pass by pass, tile by tile) as one bar, shown only on a terminal. */
export function tileReporter(quiet: boolean | undefined): ((p: { pass: number; passes: number; tile: number; tiles: number }) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  return (p) => {
    if (!bar) {
      bar = progressBar('tiles [{bar}] pass {pass}/{passes} | {value}/{total} tile runs | ETA {eta_formatted}');
      bar.start(p.passes * p.tiles, 0, { pass: 1, passes: p.passes });
    }
    const value = (p.pass - 1) * p.tiles + p.tile;
    bar.update(value, { pass: p.pass, passes: p.passes });
    if (value === p.passes * p.tiles) bar.stop();
  };
}
