import { demoDir } from './demo-build';

/** The e2e project's global setup: the demo, built once for every browser test of the run. */
export default async function setup(): Promise<void> {
  const t0 = Date.now();
  const dir = demoDir();
  console.log(`\ne2e: the demo for these sources in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dir})`);
}
