import { float32, type TensorData } from '../onnx/tensor';

/** `region` of every plane of a float32 tensor whose last two axes are height and width. */
export function cutPlanes(t: TensorData, region: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }): TensorData<'float32'> {
  const dims = t.dims;
  const [H, W] = [dims.at(-2)!, dims.at(-1)!];
  const planes = t.data.length / (H * W);
  const src = t.data as Float32Array;
  const out = new Float32Array(planes * region.width * region.height);
  for (let p = 0, o = 0; p < planes; p++) {
    for (let row = 0; row < region.height; row++, o += region.width) {
      const from = p * W * H + (region.y + row) * W + region.x;
      out.set(src.subarray(from, from + region.width), o);
    }
  }
  return float32([...dims.slice(0, -2), region.height, region.width], out);
}
