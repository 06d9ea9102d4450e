/**
 * Reference: Johnson et al. fast style transfer exactly as ml5.js runs it (ml5-library
 * src/StyleTransfer/index.js), on TF.js, from an ml5 checkpoint folder. Independent of the project's
 * code on purpose: tests and benchmarks compare the project against it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { tfjsFastStyle, type TfjsFastStyle } from './fst-tfjs-network';
import { useBackend, type TfjsBackend } from './tfjs-backend';

export type { TfjsFastStyle };

/** Reads manifest.json + raw little-endian float32 files into tensors, keyed Variable, Variable_1, … */
function loadCheckpoint(dir: string): tf.Tensor[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
    string,
    { filename: string; shape: number[] }
  >;
  const vars: tf.Tensor[] = [];
  for (let id = 0; id < 48; id++) {
    const entry = manifest[id === 0 ? 'Variable' : `Variable_${id}`];
    if (!entry) throw new Error(`${dir}: manifest lacks Variable_${id}`);
    const bytes = readFileSync(join(dir, entry.filename));
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== size * 4) throw new Error(`${dir}/${entry.filename}: ${bytes.byteLength} bytes, want ${size * 4}`);
    // Copy: a Buffer's byteOffset need not be 4-aligned. Float32Array is little-endian on every host Node runs on.
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    vars.push(tf.tensor(data, entry.shape, 'float32'));
  }
  return vars;
}

export async function loadTfjsFastStyle(weightsDir: string, backend: TfjsBackend): Promise<TfjsFastStyle> {
  await useBackend(backend);
  return tfjsFastStyle(loadCheckpoint(weightsDir), () => useBackend(backend));
}
