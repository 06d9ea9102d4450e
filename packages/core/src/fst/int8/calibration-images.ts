import { float32, type TensorData } from '../../onnx/tensor';
import { Rng } from '../../optim/rng';

/**
 * Synthetic calibration images, so int8 needs no user data: each is 1/f ("pink") noise in colour
 * — the amplitude spectrum natural photos have — summed from random grids at octave scales with a
 * random palette, overlaid with a few hard-edged discs and bars (edges, flat regions, saturated
 * colours), on the 0..255 scale. Deterministic for a given seed. `detail`: the fine noise's
 * amplitude (default 60; the shapes get a third of it); a low one leaves wide smooth areas, like
 * skies and walls, where the network's features are weak and 8 bits cost it most. `zoom`: each
 * image is drawn at size / zoom and enlarged bilinearly (default 1): the same picture at a larger
 * size, as a photo resized up is, whereas one drawn at full size gains finer octaves of noise.
 */
export function calibrationImages(count: number, size: number, seed = 1, detail = 60, zoom = 1): TensorData<'float32'>[] {
  const rng = new Rng(seed);
  const rand = () => rng.uniform();
  return Array.from({ length: count }, () => enlarge(synthetic(Math.round(size / zoom), rand, detail), size));
}

/** `image` ([1, 3, s, s]) resized bilinearly to size × size (pixel centres aligned). */
function enlarge(image: TensorData<'float32'>, size: number): TensorData<'float32'> {
  const s = image.dims[2]!;
  if (s === size) return image;
  const out = new Float32Array(3 * size * size);
  const f = s / size;
  for (let y = 0; y < size; y++) {
    const gy = Math.min(s - 1, Math.max(0, (y + 0.5) * f - 0.5));
    const [y0, fy] = [Math.floor(gy), gy - Math.floor(gy)];
    const y1 = Math.min(s - 1, y0 + 1);
    for (let x = 0; x < size; x++) {
      const gx = Math.min(s - 1, Math.max(0, (x + 0.5) * f - 0.5));
      const [x0, fx] = [Math.floor(gx), gx - Math.floor(gx)];
      const x1 = Math.min(s - 1, x0 + 1);
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => image.data[(c * s + yy) * s + xx]!;
        out[(c * size + y) * size + x] = (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
      }
    }
  }
  return float32([1, 3, size, size], out);
}

function synthetic(size: number, rand: () => number, amplitude: number): TensorData<'float32'> {
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  const field = pinkNoise(size, rand);
  // A palette: field value t in [0, 1] → colour on a random line through RGB space.
  const from = [rand(), rand(), rand()].map((v) => v * 255);
  const to = [rand(), rand(), rand()].map((v) => v * 255);
  const detail = pinkNoise(size, rand);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = from[c]! + (to[c]! - from[c]!) * field[i]! + amplitude * (detail[i]! - 0.5);
  }
  const shapes = 3 + Math.floor(rand() * 5);
  for (let k = 0; k < shapes; k++) {
    const colour = [rand(), rand(), rand()].map((v) => v * 255);
    const [cx, cy, r] = [rand() * size, rand() * size, (0.05 + rand() * 0.2) * size];
    const bar = rand() < 0.4;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const inside = bar ? Math.abs(x - cx) < r / 3 && Math.abs(y - cy) < r * 1.5 : (x - cx) ** 2 + (y - cy) ** 2 < r * r;
        if (inside) for (let c = 0; c < 3; c++) data[c * plane + y * size + x] = colour[c]! + (amplitude / 3) * (detail[y * size + x]! - 0.5);
      }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, data[i]!));
  return float32([1, 3, size, size], data);
}

/** A size × size field in [0, 1]: bilinearly enlarged random grids of 2, 4, 8 … cells, amplitude ∝ cell size. */
function pinkNoise(size: number, rand: () => number): Float32Array {
  const out = new Float32Array(size * size);
  for (let cells = 2; cells <= size / 2; cells *= 2) {
    const amp = 1 / cells;
    const grid = Float32Array.from({ length: (cells + 1) ** 2 }, rand);
    for (let y = 0; y < size; y++) {
      const gy = (y / size) * cells;
      const [y0, fy] = [Math.floor(gy), gy - Math.floor(gy)];
      for (let x = 0; x < size; x++) {
        const gx = (x / size) * cells;
        const [x0, fx] = [Math.floor(gx), gx - Math.floor(gx)];
        const at = (yy: number, xx: number) => grid[yy * (cells + 1) + xx]!;
        const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
        const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
        out[y * size + x] = out[y * size + x]! + amp * (top * (1 - fy) + bottom * fy);
      }
    }
  }
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of out) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - lo) / (hi - lo || 1);
  return out;
}

