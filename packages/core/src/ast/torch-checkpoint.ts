/**
 * Reads a legacy (pre-1.6, not zip) `torch.save` checkpoint of a float32 state dict, such as the
 * MicroAST weights: five pickles back to back (magic number, format version, system info, the state
 * dict, the list of storage keys), then every storage's raw data in the order of that list, each as
 * an 8-byte little-endian element count followed by the little-endian float32 values.
 *
 * Why a reader of our own rather than an npm pickle parser: the one on npm, `pickleparser` 0.2.1,
 * cannot read these files at all (its LONG1 takes at most 8 bytes, and the magic number has 10), and
 * it is a general unpickler: REDUCE calls whatever its name resolver returns, BUILD `Object.assign`s
 * into objects, dicts default to plain objects, its errors are plain `Error`s. Making it safe would
 * take more glue than reading the two dozen opcodes torch writes here. So this reader is closed: it
 * knows only the opcodes below, only the three globals torch needs (GLOBAL of anything else is an
 * error, not a lookup), and "calling" one of them just builds a plain record. Nothing in the file is
 * ever executed, and every length and offset is checked against the file, so a damaged or hostile
 * file ends in one `BAD_MODEL` error naming what is wrong.
 */
import { ImpastoError, asImpastoError } from '../errors';
import { float32FromBytes } from '../nets/read-files';
import type { TensorData } from '../onnx/tensor';
import { utf8Decode } from '../platform';

/** `torch.serialization.MAGIC_NUMBER` and `PROTOCOL_VERSION` of the legacy format. */
const MAGIC = 0x1950a86a20f9469cfc6cn;
const FORMAT_VERSION = 1001;
/** The pickle protocol `torch.save` uses by default (`DEFAULT_PROTOCOL`). */
const PICKLE_PROTOCOL = 2;

/** The only globals a float32 state dict needs; GLOBAL of anything else fails. */
const ORDERED_DICT = 'collections OrderedDict';
const REBUILD_TENSOR = 'torch._utils _rebuild_tensor_v2';
const FLOAT_STORAGE = 'torch FloatStorage';
const ALLOWED_GLOBALS: readonly string[] = [ORDERED_DICT, REBUILD_TENSOR, FLOAT_STORAGE];

/** Pickle opcodes read here (see CPython's Lib/pickletools.py for their definitions). */
const OP = {
  PROTO: 0x80,
  STOP: 0x2e, // '.'
  MARK: 0x28, // '('
  LONG1: 0x8a,
  BININT: 0x4a, // 'J'
  BININT1: 0x4b, // 'K'
  BININT2: 0x4d, // 'M'
  BINUNICODE: 0x58, // 'X'
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  NONE: 0x4e, // 'N'
  EMPTY_DICT: 0x7d, // '}'
  EMPTY_LIST: 0x5d, // ']'
  EMPTY_TUPLE: 0x29, // ')'
  TUPLE: 0x74, // 't'
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  SETITEM: 0x73, // 's'
  SETITEMS: 0x75, // 'u'
  APPEND: 0x61, // 'a'
  APPENDS: 0x65, // 'e'
  BINPUT: 0x71, // 'q'
  LONG_BINPUT: 0x72, // 'r'
  BINGET: 0x68, // 'h'
  LONG_BINGET: 0x6a, // 'j'
  GLOBAL: 0x63, // 'c'
  REDUCE: 0x52, // 'R'
  BUILD: 0x62, // 'b'
  BINPERSID: 0x51, // 'Q'
} as const;

// ---- The values a pickle can build here: plain data and three inert records. ----

class Tuple {
  constructor(readonly items: readonly Value[]) {}
}
class List {
  readonly items: Value[] = [];
}
/** A dict or OrderedDict (a Map keeps insertion order, as both do in Python 3.7+). */
class Dict {
  readonly entries = new Map<string | number, Value>();
}
/** A name from ALLOWED_GLOBALS, as pushed by GLOBAL; REDUCE "calls" it by building a record. */
class Global {
  constructor(readonly name: string) {}
}
/** A storage named by a persistent id: its data lies after the pickles, found by `key`. */
class Storage {
  constructor(
    readonly key: string,
    readonly numel: number,
  ) {}
}
/** What `_rebuild_tensor_v2(storage, offset, size, stride, ...)` describes. */
class TensorRef {
  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}
}
type Value = null | boolean | number | bigint | string | Tuple | List | Dict | Global | Storage | TensorRef;

type Fail = (message: string) => ImpastoError;

/** A cursor over the file; every read is bounds-checked, so a short file fails, never over-reads. */
class ByteCursor {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    private readonly fail: Fail,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  /** Claims `n` bytes at the cursor and returns where they start. */
  private claim(n: number): number {
    if (!(n <= this.left)) throw this.fail(`truncated: needs ${n} bytes at byte ${this.pos}, the file has ${this.left} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.claim(1));
  }
  u16(): number {
    return this.view.getUint16(this.claim(2), true);
  }
  i32(): number {
    return this.view.getInt32(this.claim(4), true);
  }
  u32(): number {
    return this.view.getUint32(this.claim(4), true);
  }
  /** An int64 that must be a non-negative safe integer (an element count). */
  count64(): number {
    const at = this.claim(8);
    const v = this.view.getBigInt64(at, true);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(`element count ${v} at byte ${at} is out of range`);
    return Number(v);
  }
  /** A view (not a copy) of the next `n` bytes. */
  take(n: number): Uint8Array {
    const at = this.claim(n);
    return this.bytes.subarray(at, at + n);
  }
  /** A '\n'-terminated ASCII line, as GLOBAL writes its module and name; capped, as names are short. */
  line(max = 256): string {
    const end = this.bytes.subarray(this.pos, this.pos + max).indexOf(0x0a);
    if (end < 0) throw this.fail(`no end of line within ${max} bytes at byte ${this.pos}`);
    const text = String.fromCharCode(...this.take(end));
    this.pos += 1;
    return text;
  }
}

/** LONG1's payload: little-endian two's complement; a number when safe, else a bigint (the magic). */
function longFromBytes(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b.length > 0 && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** A string from the file as it may appear in a one-line message: escaped and capped. */
function shown(s: string, max = 80): string {
  const escaped = s.replace(/[^\x20-\x7e]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}...` : escaped;
}

function isIndex(v: Value): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A tuple of non-negative integers (a tensor's size or stride), or undefined. */
function indexTuple(v: Value): number[] | undefined {
  if (!(v instanceof Tuple) || !v.items.every(isIndex)) return undefined;
  return v.items as number[];
}

/** Runs one pickle, from its PROTO to its STOP, with only the opcodes and globals above. */
class PickleMachine {
  private stack: Value[] = [];
  private readonly marks: Value[][] = [];
  private readonly memo = new Map<number, Value>();
  private at = 0;

  constructor(
    private readonly r: ByteCursor,
    private readonly fail: Fail,
    /** Storages by key, shared by all pickles so a key always means one storage. */
    private readonly storages: Map<string, Storage>,
  ) {}

  private error(message: string): ImpastoError {
    return this.fail(`pickle opcode at byte ${this.at}: ${message}`);
  }

  private push(v: Value): void {
    this.stack.push(v);
  }
  private pop(): Value {
    if (this.stack.length === 0) throw this.error('stack underflow');
    return this.stack.pop()!;
  }
  private top(): Value {
    if (this.stack.length === 0) throw this.error('stack underflow');
    return this.stack[this.stack.length - 1]!;
  }
  /** Everything pushed since the last MARK, restoring the stack from before it. */
  private popMark(): Value[] {
    const items = this.stack;
    const below = this.marks.pop();
    if (!below) throw this.error('no MARK to close');
    this.stack = below;
    return items;
  }
  private memoGet(i: number): Value {
    if (!this.memo.has(i)) throw this.error(`memo entry ${i} was never stored`);
    return this.memo.get(i)!;
  }

  /** Every iteration consumes at least one byte and reads are bounded, so this always ends. */
  run(): Value {
    const r = this.r;
    this.at = r.pos;
    if (r.u8() !== OP.PROTO) throw this.error('expected PROTO, the start of a pickle');
    const protocol = r.u8();
    if (protocol !== PICKLE_PROTOCOL) throw this.error(`pickle protocol ${protocol}, expected ${PICKLE_PROTOCOL}`);
    for (;;) {
      this.at = r.pos;
      const op = r.u8();
      if (op === OP.STOP) return this.stop();
      this.step(op);
    }
  }

  private stop(): Value {
    if (this.marks.length > 0 || this.stack.length !== 1) throw this.error(`STOP with ${this.stack.length} values and ${this.marks.length} open MARKs`);
    return this.stack[0]!;
  }

  private step(op: number): void {
    const r = this.r;
    switch (op) {
      case OP.MARK:
        this.marks.push(this.stack);
        this.stack = [];
        return;
      case OP.LONG1:
        return this.push(longFromBytes(r.take(r.u8())));
      case OP.BININT:
        return this.push(r.i32());
      case OP.BININT1:
        return this.push(r.u8());
      case OP.BININT2:
        return this.push(r.u16());
      case OP.BINUNICODE:
        return this.push(utf8Decode(r.take(r.u32())));
      case OP.NEWTRUE:
        return this.push(true);
      case OP.NEWFALSE:
        return this.push(false);
      case OP.NONE:
        return this.push(null);
      case OP.EMPTY_DICT:
        return this.push(new Dict());
      case OP.EMPTY_LIST:
        return this.push(new List());
      case OP.EMPTY_TUPLE:
        return this.push(new Tuple([]));
      case OP.TUPLE:
        return this.push(new Tuple(this.popMark()));
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const items = Array.from({ length: op - OP.TUPLE1 + 1 }, () => this.pop()).reverse();
        return this.push(new Tuple(items));
      }
      case OP.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        return this.setItems([key, value]);
      }
      case OP.SETITEMS:
        return this.setItems(this.popMark());
      case OP.APPEND:
        return this.append([this.pop()]);
      case OP.APPENDS:
        return this.append(this.popMark());
      case OP.BINPUT:
        return void this.memo.set(r.u8(), this.top());
      case OP.LONG_BINPUT:
        return void this.memo.set(r.u32(), this.top());
      case OP.BINGET:
        return this.push(this.memoGet(r.u8()));
      case OP.LONG_BINGET:
        return this.push(this.memoGet(r.u32()));
      case OP.GLOBAL:
        return this.push(this.global(`${r.line()} ${r.line()}`));
      case OP.REDUCE: {
        const args = this.pop();
        return this.push(this.reduce(this.pop(), args));
      }
      case OP.BUILD:
        return this.build();
      case OP.BINPERSID:
        return this.push(this.persistentLoad(this.pop()));
      default: {
        const printable = op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : '';
        throw this.error(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}${printable}`);
      }
    }
  }

  private setItems(items: Value[]): void {
    const dict = this.top();
    if (!(dict instanceof Dict)) throw this.error('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) throw this.error('SETITEMS with an odd number of values');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i]!;
      if (typeof key !== 'string' && typeof key !== 'number') throw this.error('dict key that is not a string or an int');
      dict.entries.set(key, items[i + 1]!);
    }
  }

  private append(items: Value[]): void {
    const list = this.top();
    if (!(list instanceof List)) throw this.error('APPEND(S) on something that is not a list');
    list.items.push(...items);
  }

  /** GLOBAL looks nothing up: it only accepts the names a state dict needs. */
  private global(name: string): Global {
    if (!ALLOWED_GLOBALS.includes(name)) throw this.error(`refuses global '${shown(name)}' (only ${ALLOWED_GLOBALS.join(', ')} are allowed)`);
    return new Global(name);
  }

  /** REDUCE of an allowed global: builds an empty OrderedDict or a TensorRef; nothing else. */
  private reduce(callable: Value, args: Value): Value {
    if (!(callable instanceof Global)) throw this.error('REDUCE of something that is not a global');
    if (!(args instanceof Tuple)) throw this.error(`REDUCE of ${callable.name} without an argument tuple`);
    if (callable.name === ORDERED_DICT) {
      if (args.items.length !== 0) throw this.error('OrderedDict with arguments');
      return new Dict();
    }
    if (callable.name === REBUILD_TENSOR) return this.rebuildTensor(args.items);
    throw this.error(`REDUCE of ${callable.name}`);
  }

  /** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
  private rebuildTensor(args: readonly Value[]): TensorRef {
    const [storage, offset, sizeV, strideV, requiresGrad, hooks] = args;
    const size = indexTuple(sizeV ?? null);
    const stride = indexTuple(strideV ?? null);
    const ok =
      (args.length === 6 || (args.length === 7 && args[6] === null)) &&
      storage instanceof Storage &&
      isIndex(offset ?? null) &&
      size !== undefined &&
      stride !== undefined &&
      size.length === stride.length &&
      typeof requiresGrad === 'boolean' &&
      hooks instanceof Dict;
    if (!ok) throw this.error('_rebuild_tensor_v2 with arguments other than (storage, offset, size, stride, requires_grad, hooks)');
    return new TensorRef(storage, offset as number, size, stride);
  }

  /** BUILD sets attributes; the one torch writes is the state dict's `_metadata`, which we drop. */
  private build(): void {
    const state = this.pop();
    if (!(this.top() instanceof Dict) || !(state instanceof Dict)) throw this.error('BUILD other than a dict state on an OrderedDict');
  }

  /** `('storage', torch.FloatStorage, key, location, numel[, None])`, as torch's persistent_id writes it. */
  private persistentLoad(pid: Value): Storage {
    const items = pid instanceof Tuple ? pid.items : [];
    const [tag, type, key, location, numel] = items;
    const ok =
      (items.length === 5 || (items.length === 6 && items[5] === null)) &&
      tag === 'storage' &&
      type instanceof Global &&
      type.name === FLOAT_STORAGE &&
      typeof key === 'string' &&
      typeof location === 'string' &&
      isIndex(numel ?? null);
    if (!ok) throw this.error("persistent id other than ('storage', FloatStorage, key, location, numel, None)");
    const known = this.storages.get(key as string);
    if (known && known.numel !== numel) throw this.error(`storage ${shown(key as string)} given ${known.numel} and ${numel as number} elements`);
    const storage = known ?? new Storage(key as string, numel as number);
    this.storages.set(storage.key, storage);
    return storage;
  }
}

/** The data of each storage: a view of the file, read once the pickles have named them all. */
function readStorages(r: ByteCursor, keys: Value, storages: Map<string, Storage>, fail: Fail): Map<Storage, Uint8Array> {
  if (!(keys instanceof List) || !keys.items.every((k) => typeof k === 'string')) throw fail('the last pickle is not a list of storage keys');
  const data = new Map<Storage, Uint8Array>();
  for (const key of keys.items as string[]) {
    const storage = storages.get(key);
    if (!storage) throw fail(`storage key ${shown(key)} is listed but no tensor uses it`);
    if (data.has(storage)) throw fail(`storage key ${shown(key)} is listed twice`);
    const at = r.pos;
    const count = r.count64();
    if (count !== storage.numel) throw fail(`storage ${shown(key)} at byte ${at} holds ${count} elements, its tensor says ${storage.numel}`);
    data.set(storage, r.take(count * 4));
  }
  const unlisted = [...storages.keys()].filter((k) => !data.has(storages.get(k)!));
  if (unlisted.length > 0) throw fail(`storage ${shown(unlisted[0]!)} is used but has no data`);
  if (r.left !== 0) throw fail(`${r.left} unexpected bytes after the last storage (byte ${r.pos})`);
  return data;
}

/** A row-major (C-contiguous) stride; like torch, a dimension of size 1 may have any stride. */
function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d]!;
  }
  return true;
}

/** One tensor's own aligned copy of its floats; only offset-0, contiguous views are supported. */
function tensorData(name: string, t: TensorRef, storageBytes: Uint8Array, fail: Fail): TensorData<'float32'> {
  const what = `tensor ${shown(name)}`;
  const numel = t.size.reduce((a, b) => a * b, 1);
  if (t.offset !== 0) throw fail(`${what} starts at storage offset ${t.offset}; only offset 0 is supported`);
  if (!isContiguous(t.size, t.stride)) throw fail(`${what} has non-contiguous strides [${shown(t.stride.join(','))}] for size [${shown(t.size.join(','))}]`);
  if (numel > t.storage.numel) throw fail(`${what} of size [${shown(t.size.join(','))}] needs ${numel} elements, its storage has ${t.storage.numel}`);
  return { type: 'float32', dims: [...t.size], data: float32FromBytes(storageBytes.subarray(0, numel * 4)) };
}

/** Checks the header pickles after the magic number: format version, and little-endian data. */
function checkHeader(version: Value, sysInfo: Value, fail: Fail): void {
  if (version !== FORMAT_VERSION) throw fail(`torch.save format version ${shown(String(version))}, expected ${FORMAT_VERSION}`);
  if (!(sysInfo instanceof Dict)) throw fail('the system-info pickle is not a dict');
  if (sysInfo.entries.get('little_endian') === false) throw fail('saved on a big-endian machine; only little-endian data is supported');
}

/**
 * Reads a legacy `torch.save` state dict of float32 tensors, in the file's order: name (e.g.
 * `enc1.0.conv_layer.weight`) → tensor with its own aligned data. Throws `BAD_MODEL`, its message
 * starting with `where`, for anything else: a zip (torch ≥ 1.6) checkpoint, a truncated or damaged
 * file, a global other than the three above, a non-float storage, a strided or offset tensor.
 */
export function readTorchCheckpoint(bytes: Uint8Array, where: string): Map<string, TensorData<'float32'>> {
  const fail: Fail = (message) => new ImpastoError('BAD_MODEL', `${where}: ${message}`);
  try {
    if (bytes.length === 0) throw fail('empty file');
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) throw fail('a zip torch.save checkpoint (torch >= 1.6); only the legacy format is supported');
    const r = new ByteCursor(bytes, fail);
    const storages = new Map<string, Storage>();
    const next = (): Value => new PickleMachine(r, fail, storages).run();
    // The magic number comes first, so that any other file fails here with a clear message.
    if (next() !== MAGIC) throw fail('wrong magic number: not a legacy torch.save file');
    checkHeader(next(), next(), fail);
    const stateDict = next();
    if (!(stateDict instanceof Dict)) throw fail('the state-dict pickle is not a dict');
    const data = readStorages(r, next(), storages, fail);
    const out = new Map<string, TensorData<'float32'>>();
    for (const [name, t] of stateDict.entries) {
      if (typeof name !== 'string' || !(t instanceof TensorRef)) throw fail(`state-dict entry ${shown(String(name))} is not a tensor`);
      out.set(name, tensorData(name, t, data.get(t.storage)!, fail));
    }
    return out;
  } catch (e) {
    // Our own errors pass through; anything else would be a bug here, still reported as BAD_MODEL.
    throw asImpastoError(e, 'BAD_MODEL', `${where}: unreadable torch checkpoint`);
  }
}
