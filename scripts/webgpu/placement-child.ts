/**
 * Opens each ONNX file named on the command line on onnxruntime-node's webgpu provider with
 * verbose logging, printing `PLACEMENT <file>` on stderr before each, so the parent can read the
 * placements (run with VK_ICD_FILENAMES naming SwiftShader's driver on a GPU-less machine).
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

async function main() {
  for (const file of process.argv.slice(2)) {
    process.stderr.write(`PLACEMENT ${file}\n`);
    const s = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 0 });
    await s.release();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
