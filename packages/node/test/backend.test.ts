import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { ImpastoError } from '@impasto/core/platform';
import { Graph, encodeModel, float32 } from '@impasto/core/onnx';
import { nodeBackend, providerUnavailable } from '../src/platform/backend';

const mayHaveProvider = (p: 'cuda' | 'webgpu') => providerUnavailable(p) === undefined;

function reluModel(): Uint8Array {
  const g = new Graph('relu');
  g.output(g.op('Relu', [g.input('x', 'float32', [2])]), 'y');
  return encodeModel(g);
}

describe('onnxruntime-node backend', () => {
  it('runs on cpu and reports it', async () => {
    const s = await nodeBackend.createSession(reluModel(), { ep: 'cpu', intraOpNumThreads: 1 });
    expect(s.provider).toBe('cpu');
    expect(s.inputNames).toEqual(['x']);
    const out = await s.run({ x: float32([2], [-1, 3]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 3]);
    await s.dispose();
  });

  it('runs one thread per core unless told otherwise (ONNX Runtime alone picks 1 on a 2-core VM), none spinning', async () => {
    const create = jest.spyOn(ort.InferenceSession, 'create');
    try {
      for (const [asked, expected] of [[undefined, availableParallelism()], [0, availableParallelism()], [1, 1]] as const) {
        await (await nodeBackend.createSession(reluModel(), { ep: 'cpu', intraOpNumThreads: asked })).dispose();
        expect(create.mock.lastCall?.[1]).toMatchObject({ intraOpNumThreads: expected, extra: { session: { intra_op: { allow_spinning: '0' } } } });
      }
    } finally {
      create.mockRestore();
    }
  });

  it('auto picks the first provider that initialises and says which', async () => {
    const s = await nodeBackend.createSession(reluModel(), { ep: 'auto' });
    expect(['cuda', 'dml', 'webgpu', 'cpu']).toContain(s.provider);
    if (!mayHaveProvider('cuda') && !mayHaveProvider('webgpu')) expect(s.provider).toBe('cpu');
    await s.dispose();
  });

  it('an explicit provider that cannot load is an error saying why and how to enable it', async () => {
    if (!mayHaveProvider('cuda')) {
      await expect(nodeBackend.createSession(reluModel(), { ep: 'cuda' })).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        message: expect.stringMatching(/'cuda' failed to load .*ONNXRUNTIME_NODE_INSTALL=cuda12/),
      });
    }
    if (process.platform !== 'win32') {
      await expect(nodeBackend.createSession(reluModel(), { ep: 'dml' })).rejects.toThrow(/'dml' failed to load .*Windows/);
    }
    try {
      const s = await nodeBackend.createSession(reluModel(), { ep: 'webgpu' });
      expect(s.provider).toBe('webgpu'); // a machine with a GPU and Vulkan
      await s.dispose();
    } catch (e) {
      expect(e).toBeInstanceOf(ImpastoError);
      expect((e as Error).message).toMatch(/'webgpu' failed to load .*needs a GPU/);
    }
    await expect(nodeBackend.createSession(reluModel(), { ep: 'wasm' })).rejects.toThrow(/'wasm' is not available in Node/);
    await expect(nodeBackend.createSession(reluModel(), { ep: 'tpu' as never })).rejects.toThrow(/Expected one of auto, cuda, dml, webgpu, cpu for ep but received 'tpu'/);
  });

  it('a broken model is a BAD_MODEL error', async () => {
    await expect(nodeBackend.createSession(new Uint8Array([1, 2, 3]), { ep: 'cpu' })).rejects.toMatchObject({ code: 'BAD_MODEL' });
  });
});
