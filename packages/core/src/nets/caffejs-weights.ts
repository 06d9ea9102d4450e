import { ImpastoError } from '../errors';
import { float32, transpose } from '../onnx/tensor';
import type { WeightSource } from '../store/source';
import { caffeLayerInfo, type CaffeConvParams, type CaffeLayer, type CaffeNet } from './caffe';
import { float32FromBytes, readAllFiles } from './read-files';

/**
 * Reads the convolution weights of `layers` in the caffejs format: `weights/<layer>_filter.bin`
 * (float32, OHWI) and `weights/<layer>_bias.bin`, where a layer named `fire2/squeeze1x1` lies in
 * `weights/fire2/`. Returns them in ONNX layout (OIHW). Missing files make one `MISSING_FILE`
 * error listing all of them.
 */
export async function readCaffejsParams(
  source: WeightSource,
  net: CaffeNet,
  layers: readonly CaffeLayer[],
  what = 'caffejs model',
): Promise<Map<string, CaffeConvParams>> {
  const info = caffeLayerInfo(net);
  const convs = layers.filter((l) => l.type === 'Convolution').map((l) => ({ name: l.name, ...info.get(l.name)! }));
  const needs = new Map<string, string[]>();
  for (const c of convs) {
    needs.set(`weights/${c.name}_filter.bin`, [c.name]);
    if (c.bias) needs.set(`weights/${c.name}_bias.bin`, [c.name]);
  }
  const files = await readAllFiles(source, [...needs.keys()], needs, what);
  const read = (path: string, count: number): Float32Array => {
    const bytes = files.get(path)!;
    if (bytes.byteLength !== count * 4) {
      throw new ImpastoError('BAD_MODEL', `${path} has ${bytes.byteLength} bytes; the prototxt implies ${count * 4}`);
    }
    return float32FromBytes(bytes);
  };
  const params = new Map<string, CaffeConvParams>();
  for (const c of convs) {
    const [o, i, h, w] = c.filterShape!;
    const ohwi = float32([o, h, w, i], read(`weights/${c.name}_filter.bin`, o * h * w * i));
    const bias = c.bias ? float32([o], read(`weights/${c.name}_bias.bin`, o)) : undefined;
    params.set(c.name, { filter: transpose(ohwi, [0, 3, 1, 2]), bias });
  }
  return params;
}
