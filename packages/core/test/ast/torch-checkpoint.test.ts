import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImpastoError } from '../../src/errors';
import { readTorchCheckpoint } from '../../src/ast/torch-checkpoint';

jest.setTimeout(5000);

const WEIGHTS = process.env.IMPASTO_WEIGHTS || resolve(__dirname, '../../../../../shared/weights');
const FILES = ['content_encoder', 'style_encoder', 'modulator', 'decoder'] as const;
type Part = (typeof FILES)[number];

function fileBytes(part: Part): Uint8Array {
  return new Uint8Array(readFileSync(join(WEIGHTS, 'microast', `${part}_iter_160000.pth.tar`)));
}

/** Where the raw storages start (the end of the five pickles), per shared/README.md. */
const DATA_START: Record<Part, number> = { content_encoder: 3671, style_encoder: 3671, modulator: 1854, decoder: 3619 };

const conv = (name: string, weight: number[]): [string, number[]][] => [
  [`${name}.conv_layer.weight`, weight],
  [`${name}.conv_layer.bias`, [weight[0]!]],
];
const ENCODER: [string, number[]][] = [
  ...conv('enc1.0', [16, 3, 9, 9]),
  ...conv('enc1.2', [32, 1, 3, 3]),
  ...conv('enc1.4', [32, 32, 1, 1]),
  ...conv('enc1.6', [64, 1, 3, 3]),
  ...conv('enc1.8', [64, 64, 1, 1]),
  ...['enc1.10.conv1', 'enc1.10.conv2', 'enc2.0.conv1', 'enc2.0.conv2'].flatMap((n) => conv(n, [64, 64, 3, 3])),
];
/** Names and shapes in file order, as shared/README.md lists them. */
const EXPECTED: Record<Part, { tensors: [string, number[]][]; floats: number }> = {
  content_encoder: { tensors: ENCODER, floats: 157_792 },
  style_encoder: { tensors: ENCODER, floats: 157_792 },
  modulator: { tensors: ['weight1.0', 'bias1.0', 'weight2.0', 'bias2.0'].flatMap((n) => conv(n, [64, 1, 3, 3])), floats: 2_560 },
  decoder: {
    tensors: [
      ...['dec1.conv1', 'dec1.conv2', 'dec2.conv1', 'dec2.conv2'].flatMap((n) => conv(n, [64, 64, 3, 3])),
      ...conv('dec3.1', [32, 2, 3, 3]),
      ...conv('dec3.3', [32, 32, 1, 1]),
      ...conv('dec3.6', [16, 2, 3, 3]),
      ...conv('dec3.8', [16, 16, 1, 1]),
      ...conv('dec3.10', [3, 16, 9, 9]),
    ],
    floats: 153_843,
  },
};

/**
 * Independent reference values: torch 2.13.0+cpu, `torch.load(path, map_location='cpu',
 * weights_only=True)`, then per tensor `t.flatten()[:3]`, `t.flatten()[-1]` and
 * `t.flatten().double().sum()` (a throwaway script, not committed).
 */
const REFERENCE: { part: Part; name: string; first: number[]; last: number; sum: number }[] = [
  { part: 'content_encoder', name: 'enc1.0.conv_layer.weight', first: [0.0238789189606905, 0.00047998258378356695, -0.04394276812672615], last: -0.0006333716446533799, sum: 2.2013925970022683 },
  { part: 'content_encoder', name: 'enc2.0.conv2.conv_layer.bias', first: [-0.008305151015520096, 0.03323781117796898, -0.021341249346733093], last: -0.0031354466918855906, sum: 0.07203506403675419 },
  { part: 'style_encoder', name: 'enc1.0.conv_layer.weight', first: [0.029513711109757423, 0.04677807539701462, -0.046564117074012756], last: -0.010862302966415882, sum: 23.921241619737884 },
  { part: 'style_encoder', name: 'enc1.10.conv1.conv_layer.weight', first: [0.022191274911165237, -0.03692620247602463, 0.03648540750145912], last: -0.021499644964933395, sum: 107.53018769749644 },
  { part: 'modulator', name: 'weight1.0.conv_layer.weight', first: [-0.2303798645734787, -0.09246936440467834, 0.079689621925354], last: -0.11116651445627213, sum: 1.1232882104523014 },
  { part: 'modulator', name: 'bias2.0.conv_layer.bias', first: [0.17277556657791138, -0.1191750094294548, -0.05533912405371666], last: -0.16786634922027588, sum: -1.145363172981888 },
  { part: 'decoder', name: 'dec3.10.conv_layer.weight', first: [0.003527735359966755, 0.023441094905138016, 0.008889949880540371], last: -0.007528442889451981, sum: 5.687229172492607 },
  { part: 'decoder', name: 'dec3.10.conv_layer.bias', first: [-0.016353502869606018, -0.020027872174978256, -0.011146608740091324], last: -0.011146608740091324, sum: -0.0475279837846756 },
];

/** Reads `bytes` expecting a one-line BAD_MODEL error; returns its message. */
function badModel(bytes: Uint8Array, where = 'test.pth'): string {
  let caught: unknown;
  try {
    readTorchCheckpoint(bytes, where);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ImpastoError);
  const err = caught as ImpastoError;
  expect(err.code).toBe('BAD_MODEL');
  expect(err.message.startsWith(`${where}: `)).toBe(true);
  expect(err.message).not.toMatch(/\n/);
  return err.message;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const concat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
function setInt64(bytes: Uint8Array, at: number, v: bigint): void {
  new DataView(bytes.buffer, bytes.byteOffset).setBigInt64(at, v, true);
}
function getInt64(bytes: Uint8Array, at: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset).getBigInt64(at, true);
}

describe('readTorchCheckpoint on the MicroAST weights', () => {
  it.each(FILES)('%s: names, shapes and float count as documented', (part) => {
    const tensors = readTorchCheckpoint(fileBytes(part), part);
    const { tensors: expected, floats } = EXPECTED[part];
    expect([...tensors].map(([name, t]) => [name, t.dims])).toEqual(expected);
    let total = 0;
    for (const t of tensors.values()) {
      expect(t.type).toBe('float32');
      expect(t.data.length).toBe(t.dims.reduce((a, b) => a * b, 1));
      // Each tensor has its own aligned buffer, not a view into the file.
      expect(t.data.byteOffset).toBe(0);
      expect(t.data.buffer.byteLength).toBe(t.data.byteLength);
      total += t.data.length;
    }
    expect(total).toBe(floats);
  });

  it('matches values read by torch itself', () => {
    const read = new Map(FILES.map((p) => [p, readTorchCheckpoint(fileBytes(p), p)]));
    for (const r of REFERENCE) {
      const data = read.get(r.part)!.get(r.name)!.data;
      expect([...data.subarray(0, 3)]).toEqual(r.first);
      expect(data[data.length - 1]).toBe(r.last);
      let sum = 0;
      for (const v of data) sum += v;
      expect(sum).toBeCloseTo(r.sum, 9);
    }
  });

  it('copies the data: changing the file bytes afterwards changes nothing', () => {
    const bytes = fileBytes('modulator');
    const before = readTorchCheckpoint(bytes, 'modulator').get('bias2.0.conv_layer.bias')!.data.slice();
    const tensors = readTorchCheckpoint(bytes, 'modulator');
    bytes.fill(0, DATA_START.modulator);
    expect(tensors.get('bias2.0.conv_layer.bias')!.data).toEqual(before);
  });
});

describe('readTorchCheckpoint on damaged or hostile files', () => {
  it('refuses an empty file, garbage, text and a zip checkpoint', () => {
    expect(badModel(new Uint8Array(0))).toMatch(/empty file/);
    expect(badModel(new Uint8Array(ascii('hello, world\n')))).toMatch(/expected PROTO/);
    expect(badModel(new Uint8Array(ascii('PK\x03\x04 rest of a zip')))).toMatch(/zip torch\.save checkpoint/);
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const header = fileBytes('modulator').subarray(0, 137); // the three header pickles, intact
    for (let i = 0; i < 50; i++) {
      const noise = Array.from({ length: 1 + (random() << 2) }, random);
      badModel(new Uint8Array(noise));
      badModel(concat([0x80, 0x02], noise));
      badModel(concat(header, [0x80, 0x02], noise));
    }
  });

  it('refuses a flipped magic byte or a wrong pickle protocol', () => {
    const magic = fileBytes('modulator');
    magic[5]! ^= 0x01; // inside LONG1's 10-byte magic number
    expect(badModel(magic)).toMatch(/wrong magic number/);
    const proto = fileBytes('modulator');
    proto[1] = 4;
    expect(badModel(proto)).toMatch(/pickle protocol 4, expected 2/);
  });

  it('refuses a file truncated anywhere in the pickles or in the storages', () => {
    // Every length for the small modulator; every 7th for the decoder, to keep the test quick.
    for (const [part, step] of [['modulator', 1], ['decoder', 7]] as const) {
      const bytes = fileBytes(part);
      for (let n = 0; n < DATA_START[part]; n += step) badModel(bytes.subarray(0, n));
    }
    const bytes = fileBytes('content_encoder');
    const start = DATA_START.content_encoder;
    for (const n of [start, start + 3, start + 8, start + 8 + 1000, bytes.length - 4, bytes.length - 1]) {
      expect(badModel(bytes.subarray(0, n))).toMatch(/truncated/);
    }
  });

  it('refuses a file with bytes after the last storage', () => {
    expect(badModel(concat(fileBytes('modulator'), [0]))).toMatch(/1 unexpected bytes after the last storage/);
  });

  it.each([
    ['os', 'system'],
    ['builtins', 'eval'],
    ['torch._utils', '_rebuild_parameter'],
    ['torch', 'HalfStorage'],
  ])('refuses the global %s %s', (module, name) => {
    // Patch the state dict's first GLOBAL (`collections\nOrderedDict\n` at byte 139).
    const real = fileBytes('modulator');
    const at = 139;
    const original = ascii('ccollections\nOrderedDict\n');
    expect([...real.subarray(at, at + original.length)]).toEqual(original);
    const patched = concat(real.subarray(0, at), ascii(`c${module}\n${name}\n`), real.subarray(at + original.length));
    expect(badModel(patched)).toMatch(new RegExp(`refuses global '${module} ${name}'`));
  });

  it('refuses the classic `os.system` pickle, built by hand, before it reaches REDUCE', () => {
    const cmd = ascii('echo pwned');
    const exploit = concat([0x80, 0x02], ascii('cos\nsystem\n'), [0x58, cmd.length, 0, 0, 0], cmd, [0x85, 0x52, 0x2e]);
    expect(badModel(exploit)).toMatch(/byte 2: refuses global 'os system'/);
  });

  it('refuses a storage whose element count does not match its tensor', () => {
    const start = DATA_START.modulator;
    const real = fileBytes('modulator');
    expect(getInt64(real, start)).toBe(64n);
    for (const [count, message] of [
      [65n, /holds 65 elements, its tensor says 64/],
      [63n, /holds 63 elements, its tensor says 64/],
      [1n << 62n, /out of range/],
      [-1n, /out of range/],
    ] as const) {
      const bytes = fileBytes('modulator');
      setInt64(bytes, start, count);
      expect(badModel(bytes)).toMatch(message);
    }
  });

  it('refuses tensors with a storage offset or non-contiguous strides', () => {
    // From `python -m pickletools`: the first tensor's `BININT1 0` offset is at byte 317, its stride
    // tuple `( K 9 K 9 K 3 K 1 t` at 331.
    const offset = fileBytes('modulator');
    expect([...offset.subarray(316, 319)]).toEqual([0x51, 0x4b, 0]);
    offset[318] = 1;
    expect(badModel(offset)).toMatch(/weight1\.0\.conv_layer\.weight starts at storage offset 1; only offset 0/);
    // A name from the file appears escaped, so the message stays one line.
    expect(String.fromCharCode(...offset.subarray(176, 185))).toBe('weight1.0'); // BINUNICODE at 171
    offset[183] = 0x0a;
    expect(badModel(offset)).toMatch(/tensor weight1\\x0a0\.conv_layer\.weight starts at storage offset 1/);
    const stride = fileBytes('modulator');
    expect([...stride.subarray(331, 341)]).toEqual([0x28, 0x4b, 9, 0x4b, 9, 0x4b, 3, 0x4b, 1, 0x74]);
    stride[333] = 8;
    expect(badModel(stride)).toMatch(/non-contiguous strides \[8,9,3,1\]/);
  });

  it('any single damaged byte in the pickles gives a BAD_MODEL error or a valid read, nothing else', () => {
    const real = fileBytes('modulator');
    for (let i = 0; i < DATA_START.modulator; i++) {
      for (const mask of [0x01, 0xff]) {
        const bytes = real.slice();
        bytes[i]! ^= mask;
        try {
          readTorchCheckpoint(bytes, 'flip');
        } catch (e) {
          if (!(e instanceof ImpastoError) || e.code !== 'BAD_MODEL' || e.message.includes('\n')) throw e;
        }
      }
    }
  });
});
