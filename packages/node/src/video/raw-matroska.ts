// Raw RGB frames with their own timestamps, for the encoder's standard input. A raw pipe
// (`-f rawvideo`) has a fixed frame rate, which would retime a variable-rate clip or change its
// frame count; Matroska carries each frame's timestamp, and ffmpeg reads uncompressed Matroska
// (V_UNCOMPRESSED with a FourCC) natively. We write only the few elements that needs, so no
// EBML library: one header, then a cluster per frame.

const UNKNOWN_SIZE = Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** An EBML variable-length size (8 bytes: simple, and always big enough). */
function size(n: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = 0x01;
  for (let i = 7, v = n; i >= 1; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

function id(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.from(bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function element(elementId: number, ...body: Uint8Array[]): Uint8Array {
  const content = concat(body);
  return concat([id(elementId), size(content.length), content]);
}

function uint(elementId: number, value: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = value; v > 0 || bytes.length === 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return element(elementId, Uint8Array.from(bytes));
}

function text(elementId: number, value: string): Uint8Array {
  return element(elementId, new TextEncoder().encode(value));
}

/** Timestamps are in microseconds (TimestampScale 1000 ns). */
const TIMESTAMP_SCALE_NS = 1000;

/** The stream header: EBML, an open-ended Segment, Info and one uncompressed RGB24 video track. */
export function matroskaHeader(width: number, height: number): Uint8Array {
  const ebml = element(0x1a45dfa3, uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), text(0x4282, 'matroska'), uint(0x4287, 4), uint(0x4285, 2));
  const info = element(0x1549a966, uint(0x2ad7b1, TIMESTAMP_SCALE_NS), text(0x4d80, 'impasto'), text(0x5741, 'impasto'));
  // ColourSpace holds the FourCC of the raw layout: 'RGB' 24 is packed RGB24.
  const video = element(0xe0, uint(0xb0, width), uint(0xba, height), element(0x2eb524, Uint8Array.of(0x52, 0x47, 0x42, 24)));
  const track = element(0xae, uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 1), text(0x86, 'V_UNCOMPRESSED'), video);
  return concat([ebml, id(0x18538067), UNKNOWN_SIZE, info, element(0x1654ae6b, track)]);
}

/**
 * The bytes before one frame's pixels: a Cluster at `timestampUs` holding one key-frame
 * SimpleBlock of `frameBytes`, so the pixels themselves are written as they are, uncopied.
 */
export function matroskaFramePrefix(timestampUs: number, frameBytes: number): Uint8Array {
  const timestamp = uint(0xe7, Math.max(0, Math.round(timestampUs)));
  // Track 1 (vint 0x81), relative timestamp 0, flags: key frame.
  const blockHeader = Uint8Array.of(0x81, 0, 0, 0x80);
  const block = concat([id(0xa3), size(blockHeader.length + frameBytes), blockHeader]);
  return concat([id(0x1f43b675), size(timestamp.length + block.length + frameBytes), timestamp, block]);
}
