import { Graph, type AttrValue } from '../../src/onnx/graph';
import { float32, int64 } from '../../src/onnx/tensor';
import { ImpastoError } from '../../src/errors';
import { addGradients } from '../../src/autodiff';
import { checkGradients } from './harness';

type Build = (g: Graph, v: Record<string, string>) => string;

/** Resize of x by constant scales (opset 13 form: roi and sizes omitted). */
const byScales = (scales: readonly number[], attrs: Record<string, AttrValue>): Build => (g, v) =>
  g.op('Resize', [v.x!, '', g.constant('scales', float32([scales.length], scales))], attrs);

/** Resize of x to constant sizes. */
const bySizes = (sizes: readonly number[], attrs: Record<string, AttrValue>): Build => (g, v) =>
  g.op('Resize', [v.x!, '', '', g.constant('sizes', int64([sizes.length], sizes))], attrs);

const linear = (coord: string) => ({ mode: 'linear', coordinate_transformation_mode: coord });
const nearest = (coord: string, rule: string) => ({ mode: 'nearest', coordinate_transformation_mode: coord, nearest_mode: rule });
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

describe('autodiff: Resize by integer upscales (strided Conv)', () => {
  it("2x bilinear, half_pixel (PyTorch's Upsample(scale_factor=2, mode='bilinear')), odd sizes and a single pixel", async () => {
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }, { x: [2, 1, 5, 3] }, { x: [1, 1, 1, 2] }], build: byScales([1, 1, 2, 2], { mode: 'linear' }) });
    await checkGradients({ runs: [{ x: [1, 3, 4, 5] }], declare: { x: [1, 3, 'h', 'w'] }, build: byScales([1, 1, 2, 2], linear('half_pixel')) });
  });

  it('bilinear by other factors and transforms: 3x, (2, 3), one axis kept, asymmetric, pytorch_half_pixel', async () => {
    await checkGradients({ runs: [{ x: [1, 1, 3, 2] }], build: byScales([1, 1, 3, 3], { mode: 'linear' }) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }], build: byScales([1, 1, 2, 3], linear('half_pixel')) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }], build: byScales([1, 1, 1, 2], linear('half_pixel')) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 5] }], build: byScales([1, 1, 2, 4], linear('asymmetric')) });
    await checkGradients({ runs: [{ x: [1, 2, 4, 3] }], build: byScales([1, 1, 2, 2], linear('pytorch_half_pixel')) });
  });

  it('nearest: 2x and 3x asymmetric with the default rounding, and every nearest_mode on ties and off them', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }, { x: [1, 1, 5, 1] }], build: byScales([1, 1, 2, 2], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric' }) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }], build: byScales([1, 1, 3, 3], { mode: 'nearest' }) });
    for (const rule of NEAREST_MODES) {
      await checkGradients({ runs: [{ x: [1, 1, 3, 4] }], build: byScales([1, 1, 4, 2], nearest('asymmetric', rule)) });
      await checkGradients({ runs: [{ x: [1, 1, 3, 4] }], build: byScales([1, 1, 2, 3], nearest('half_pixel', rule)) });
      await checkGradients({ runs: [{ x: [1, 1, 3, 4] }], build: byScales([1, 1, 3, 1], nearest('tf_half_pixel_for_nn', rule)) });
    }
  });
});

describe('autodiff: Resize by interpolation matrices', () => {
  it('align_corners bilinear, by scales and by sizes (a single output row included)', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }, { x: [1, 1, 1, 3] }], build: byScales([1, 1, 2, 2], linear('align_corners')) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }], build: bySizes([1, 2, 1, 7], linear('align_corners')) });
  });

  it('fractional up- and downscales, bilinear and nearest', async () => {
    await checkGradients({ runs: [{ x: [1, 2, 4, 6] }, { x: [1, 1, 5, 3] }], build: byScales([1, 1, 1.5, 0.5], { mode: 'linear' }) });
    await checkGradients({ runs: [{ x: [1, 2, 4, 6] }], build: byScales([1, 1, 0.75, 2.5], linear('pytorch_half_pixel')) });
    // A single output row: pytorch_half_pixel reads row 0 where half_pixel would mix rows 1 and 2.
    await checkGradients({ runs: [{ x: [1, 2, 4, 5] }], build: bySizes([1, 2, 1, 3], linear('pytorch_half_pixel')) });
    for (const rule of NEAREST_MODES) {
      await checkGradients({ runs: [{ x: [1, 2, 4, 6] }], build: byScales([1, 1, 1.5, 0.5], nearest('asymmetric', rule)) });
      await checkGradients({ runs: [{ x: [1, 2, 5, 4] }], build: byScales([1, 1, 0.6, 1.25], nearest('half_pixel', rule)) });
    }
  });

  it('sizes: bilinear and nearest to a fixed size, from different input sizes', async () => {
    const runs = [{ x: [1, 2, 3, 4] }, { x: [1, 2, 7, 2] }];
    await checkGradients({ runs, build: bySizes([1, 2, 5, 6], { mode: 'linear' }) });
    await checkGradients({ runs, build: bySizes([1, 2, 5, 6], { mode: 'nearest' }) });
    await checkGradients({ runs, build: bySizes([1, 2, 4, 3], nearest('tf_half_pixel_for_nn', 'floor')) });
  });

  it('an axis of scale 1 is copied as onnxruntime does, even where the transform would shift it', async () => {
    // tf_half_pixel_for_nn rounding up maps i to i + 1 by the formula; the runtime keeps i.
    await checkGradients({ runs: [{ x: [1, 2, 4, 3] }], build: byScales([1, 1, 1.5, 1], nearest('tf_half_pixel_for_nn', 'ceil')) });
    // By sizes the scale is only known at run time: W is kept in the second run, resized in the first.
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }, { x: [1, 2, 5, 3] }], build: bySizes([1, 2, 4, 3], nearest('tf_half_pixel_for_nn', 'ceil')) });
    await checkGradients({ runs: [{ x: [1, 2, 3, 4] }, { x: [1, 2, 5, 3] }], build: bySizes([1, 2, 4, 3], linear('tf_half_pixel_for_nn')) });
  });

  it('scales only known at run time, and the opset 11 form (empty roi and scales with sizes)', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 3, 4] }],
      build: (g, v) => g.op('Resize', [v.x!, '', g.op('Identity', [g.constant('scales', float32([4], [1, 1, 2, 1.5]))])], { mode: 'linear' }),
    });
    await checkGradients({
      runs: [{ x: [1, 2, 3, 4] }],
      build: (g, v) => {
        const empty = g.constant('empty', float32([0], []));
        return g.op('Resize', [v.x!, empty, empty, g.constant('sizes', int64([4], [1, 2, 6, 8]))], { mode: 'linear' });
      },
    });
  });

  it('the axes attribute of opset 18, naming H and W', async () => {
    await checkGradients({
      runs: [{ x: [1, 2, 3, 4] }],
      declare: { x: ['n', 'c', 'h', 'w'] },
      build: (g, v) => {
        g.opset = 18;
        return g.op('Resize', [v.x!, '', g.constant('scales', float32([2], [2, 1.5]))], { mode: 'linear', axes: [2, -1] });
      },
    });
  });
});

describe('autodiff: Resize rejections', () => {
  const reject = (attrs: Record<string, AttrValue>, scales = [1, 1, 2, 2]): ImpastoError => {
    const g = new Graph();
    const x = g.input('x', 'float32');
    const y = g.op('Resize', [x, '', g.constant('s', float32([scales.length], scales))], attrs, { name: 'up' });
    try {
      addGradients(g, g.op('ReduceSum', [y], { keepdims: 0 }), [x]);
    } catch (e) {
      if (e instanceof ImpastoError) return e;
      throw e;
    }
    throw new Error('addGradients did not throw');
  };

  it('names unsupported modes, transforms and axes', () => {
    expect(reject({ mode: 'cubic' }).message).toBe("no gradient for ONNX op 'Resize' in mode 'cubic' (only nearest and linear) (node 'up_node')");
    expect(reject({ mode: 'linear', antialias: 1 }).code).toBe('UNSUPPORTED_OP');
    expect(reject({ mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize' }).message).toContain("'tf_crop_and_resize'");
    expect(reject({ mode: 'linear' }, [1, 2, 2, 2]).message).toContain('only H and W may be resized');
    expect(reject({ mode: 'linear', axes: [1, 2] }).message).toContain('along axes [1, 2]');
  });
});
