/**
 * Opens the ONNX file named on the command line on onnxruntime-node's webgpu provider with
 * verbose logging (the "Node placements" block goes to stderr) and saves the graph as ORT
 * optimised it to the second argument, so the parent can tell shape arithmetic from compute in
 * nodes ORT made itself. Run with VK_ICD_FILENAMES naming SwiftShader's driver on a GPU-less machine.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

async function main() {
  const [file, optimized] = process.argv.slice(2);
  const s = await ort.InferenceSession.create(readFileSync(file!), {
    executionProviders: ['webgpu'],
    logSeverityLevel: 0,
    logVerbosityLevel: 0,
    optimizedModelFilePath: optimized,
  });
  await s.release();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
