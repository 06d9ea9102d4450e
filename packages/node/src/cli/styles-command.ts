import type { Command } from 'commander';
import { listStyles } from '@impasto/core/platform';

/** `impasto styles`: the pretrained fast-style networks with their paintings and licence notes. */
export function registerStyles(program: Command): void {
  program
    .command('styles')
    .description('list the pretrained fast-style-transfer styles')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      const styles = listStyles();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(styles, null, 2)}\n`);
        return;
      }
      const rows = [['style', 'painting', 'artist', 'licence'], ...styles.map((s) => [s.id, s.title, s.artist, s.licence])];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}\n`);
    });
}
