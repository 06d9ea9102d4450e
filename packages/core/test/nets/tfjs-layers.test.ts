import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { memorySource } from '../../src/store/source';
import { loadTfjsModelJson, parseTfjsModelJson, readTfjsWeights, tfjsShardsFor } from '../../src/nets/tfjs-layers';
import { WEIGHTS, folderSource, rejection } from './helpers';

const CONV_TENSORS = [1, 2, 3, 4, 5].flatMap((b) =>
  Array.from({ length: b <= 2 ? 2 : 4 }, (_, c) => [`block${b}_conv${c + 1}/kernel`, `block${b}_conv${c + 1}/bias`]).flat(),
);

describe('TF.js layers model.json', () => {
  it('parses topology and manifest, and infers the shard size', async () => {
    const m = await loadTfjsModelJson(folderSource('vgg19-tfjs-uint8'));
    expect(m.format).toBe('layers-model');
    expect(m.layers.filter((l) => l.className === 'Conv2D').map((l) => l.name)).toHaveLength(16);
    expect(m.groups).toHaveLength(1);
    expect(m.groups[0]!.paths).toHaveLength(138);
    expect(m.groups[0]!.shardBytes).toBe(1 << 20);
    const f = await loadTfjsModelJson(folderSource('vgg19-tfjs'));
    expect(f.groups).toHaveLength(19);
    expect(f.groups.map((g) => g.shardBytes).slice(8)).toEqual(Array(11).fill(4 << 20));
  });

  it('finds the shards that hold given tensors', async () => {
    const m = await loadTfjsModelJson(folderSource('vgg19-tfjs-uint8'));
    // Every convolution lies in bytes 0 … 20,024,383, i.e. shards 1-20 of 1 MiB.
    expect([...tfjsShardsFor(m, CONV_TENSORS).keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `group1-shard${i + 1}of138.bin`));
    expect([...tfjsShardsFor(m, ['block1_conv1/kernel', 'block2_conv1/bias']).keys()]).toEqual(['group1-shard1of138.bin']);
    expect([...tfjsShardsFor(m, ['fc1/kernel']).keys()][0]).toBe('group1-shard20of138.bin');
    const f = await loadTfjsModelJson(folderSource('vgg19-tfjs'));
    expect([...tfjsShardsFor(f, ['block4_conv1/bias']).keys()]).toEqual(['group9-shard2of2']);
    expect([...tfjsShardsFor(f, ['block4_conv2/kernel']).keys()]).toEqual(['group10-shard1of3', 'group10-shard2of3', 'group10-shard3of3']);
  });

  it('dequantizes uint8 weights to within half a step of the float32 ones', async () => {
    const u8 = folderSource('vgg19-tfjs-uint8');
    const f32 = folderSource('vgg19-tfjs');
    const names = CONV_TENSORS.slice(0, 16); // conv1_1 … conv3_4: complete in both copies
    const mu = await loadTfjsModelJson(u8);
    const [a, b] = await Promise.all([readTfjsWeights(u8, mu, names), readTfjsWeights(f32, await loadTfjsModelJson(f32), names)]);
    for (const name of names) {
      const q = mu.weights.get(name)!.quantization!;
      const x = a.get(name)!;
      const y = b.get(name)!;
      expect(x.dims).toEqual(y.dims);
      const xd = x.data;
      const yd = y.data;
      let worst = 0;
      for (let i = 0; i < xd.length; i++) {
        const d = Math.abs(xd[i]! - yd[i]!);
        if (d > worst) worst = d;
      }
      expect(worst).toBeLessThanOrEqual(q.scale! / 2 + 1e-6);
    }
    // The first kernel value straight from the shard's first byte.
    const shard = await readFile(path.join(WEIGHTS, 'vgg19-tfjs-uint8', 'group1-shard1of138.bin'));
    const q = mu.weights.get('block1_conv1/kernel')!.quantization!;
    expect(a.get('block1_conv1/kernel')!.data[0]).toBeCloseTo(shard[0]! * q.scale! + q.min!, 6);
  });

  it('reassembles tensors that straddle shards, with a shard size it has to infer', async () => {
    const json = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd' } }] } },
      weightsManifest: [{
        paths: ['s1', 's2', 's3'],
        weights: [
          { name: 'd/a', shape: [3], dtype: 'float32' },
          { name: 'd/b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.5, min: -1 } },
          { name: 'd/c', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        ],
      }],
    };
    // 12 + 4 + 4 = 20 bytes in shards of 8: [0,8) [8,16) [16,20)
    const bytes = new Uint8Array(20);
    const dv = new DataView(bytes.buffer);
    [1.5, -2, 3.25].forEach((v, i) => dv.setFloat32(i * 4, v, true));
    dv.setUint16(12, 4, true);
    dv.setUint16(14, 10, true);
    dv.setUint16(16, 0x3c00, true); // 1
    dv.setUint16(18, 0xc500, true); // -5
    const m = parseTfjsModelJson(JSON.stringify(json));
    expect(m.layers.map((l) => l.name)).toEqual(['d']);
    expect(m.groups[0]!.shardBytes).toBe(8);
    expect([...tfjsShardsFor(m, ['d/b']).keys()]).toEqual(['s2']);
    const src = memorySource({ s1: bytes.slice(0, 8), s2: bytes.slice(8, 16), s3: bytes.slice(16) });
    const w = await readTfjsWeights(src, m, ['d/a', 'd/b', 'd/c']);
    expect(Array.from(w.get('d/a')!.data)).toEqual([1.5, -2, 3.25]);
    expect(Array.from(w.get('d/b')!.data)).toEqual([1, 4]);
    expect(Array.from(w.get('d/c')!.data)).toEqual([1, -5]);
  });

  it('reads every shard of a group whose shard size is not a power of two', async () => {
    const json = {
      modelTopology: {},
      weightsManifest: [{ paths: ['a', 'b', 'c'], weights: [{ name: 'x', shape: [6], dtype: 'float32' }, { name: 'y', shape: [2], dtype: 'int32' }] }],
    };
    const bytes = new Uint8Array(32); // shards of 12: [0,12) [12,24) [24,32)
    const dv = new DataView(bytes.buffer);
    [1, 2, 3, 4, 5, 6].forEach((v, i) => dv.setFloat32(i * 4, v, true));
    dv.setInt32(24, -7, true);
    dv.setInt32(28, 9, true);
    const m = parseTfjsModelJson(json);
    expect(m.groups[0]!.shardBytes).toBeUndefined();
    const src = memorySource({ a: bytes.slice(0, 12), b: bytes.slice(12, 24), c: bytes.slice(24) });
    const w = await readTfjsWeights(src, m, ['y', 'x']);
    expect(Array.from(w.get('x')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(w.get('y')!.data)).toEqual([-7, 9]);
  });

  it('names every missing shard and the layers that need it', async () => {
    const f32 = folderSource('vgg19-tfjs');
    const m = await loadTfjsModelJson(f32);
    const e = await rejection(readTfjsWeights(f32, m, ['block4_conv1/kernel', 'block4_conv2/kernel', 'block4_conv2/bias']));
    expect(e.code).toBe('MISSING_FILE');
    expect(e.message).toContain('group9-shard1of2 (block4_conv1)');
    expect(e.message).toContain('group10-shard1of3 (block4_conv2)');
    expect(e.message).toContain('group10-shard2of3 (block4_conv2)');
    expect(e.message).not.toContain('group10-shard3of3');
    expect(e.message).toContain('3 files');
  });

  it('refuses a model.json without a manifest', () => {
    expect(() => parseTfjsModelJson('{"modelTopology": {}}')).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
    expect(() => parseTfjsModelJson('not json')).toThrow(expect.objectContaining({ code: 'BAD_MODEL' }));
  });
});
