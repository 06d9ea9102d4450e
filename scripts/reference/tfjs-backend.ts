/**
 * Backend selection shared by the TF.js reference implementations.
 *
 * WASM in Node: the package's Node bundle finds its .wasm files next to itself, so no setWasmPaths
 * is needed. It runs the SIMD build single-threaded: tfjs-backend-wasm reports
 * WASM_HAS_MULTITHREAD_SUPPORT = false under Node on purpose (tensorflow/tfjs#3830), and forcing
 * the flag fails because the threaded build starts its workers from a blob: URL, which Node's
 * Worker rejects (ERR_WORKER_PATH).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TfjsBackend = 'cpu' | 'wasm';

/** Makes `backend` the active TF.js backend (cheap when it already is). */
export async function useBackend(backend: TfjsBackend): Promise<void> {
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend '${backend}' failed to initialise`);
  }
  await tf.ready();
}

/** Describes the active WASM build, e.g. "wasm simd, 1 thread" (for benchmark labels). */
export async function wasmMode(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `wasm ${simd ? 'simd' : 'scalar'}, ${threads ? 'multi-threaded' : '1 thread'}`;
}
