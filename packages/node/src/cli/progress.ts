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
