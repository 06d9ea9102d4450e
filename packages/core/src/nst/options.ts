import { invalidParam } from '../errors';
import { COLOR_SCHEMA, DECODE_SCHEMA, MEMORY_SCHEMA, STYLE_SCALE_SCHEMA } from '../image/options';
import { isRawImage } from '../image/raw-image';
import { LOSS_NETS } from '../nets/loss-nets';
import { type ResolveContext, defineSchema } from '../options/schema';
import { SESSION_SCHEMA } from '../runtime/session-options';

/** What the optimisation reproduces: both images (transfer), or one of them from noise. */
export const NST_MODES = ['transfer', 'content', 'style'] as const;
export type NstMode = (typeof NST_MODES)[number];

/** What an engine is built for: the loss net, its layers and the terms (a change means another graph). */
export const NST_LOAD_SCHEMA = defineSchema(
  'NeuralStyleLoadOptions',
  'loading a neural-style engine',
  {
    net: {
      kind: 'choice',
      choices: LOSS_NETS,
      default: (_r, c) => (c.platform === 'web' ? 'squeezenet' : 'vgg19'),
      defaultDoc: 'vgg19; squeezenet in the browser',
      doc: 'Loss network: VGG19 with uint8 weights, VGG19 float32, or SqueezeNet 1.1 (fast)',
    },
    pooling: { kind: 'choice', choices: ['max', 'avg'], default: 'max', arg: 'kind', doc: 'Pooling inside VGG19' },
    regions: {
      kind: 'bool',
      default: false,
      flag: false,
      doc: 'Build the style loss per region (masked Gram matrices) so runs can take `contentMask` and `styleMask`; about 5 % more time per iteration. One-off runs, the CLI and the service set it when masks are given',
    },
    mode: { kind: 'choice', choices: NST_MODES, default: 'transfer', flag: false, doc: '`transfer`, or reconstruction of the `content` or the `style` image alone from noise' },
    contentLayers: {
      kind: 'list',
      minLength: 1,
      flag: 'content-layer',
      arg: 'layers',
      defaultDoc: "the net's: relu4_2 for VGG19, fire2 for SqueezeNet",
      doc: 'Layers of the content loss: names (relu4_2) or VGG19 node indices as in Gatys et al.\'s figures (23), comma-separated on the command line',
    },
    styleLayers: {
      kind: 'list',
      minLength: 1,
      arg: 'layers',
      defaultDoc: "the net's: relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 for VGG19",
      doc: 'Layers of the style loss: names or VGG19 node indices (2,7,12,21,30)',
    },
  },
  { extend: [SESSION_SCHEMA] },
);

const INIT_KINDS = ['noise', 'content', 'colors'] as const;

/** What each run chooses: sizes, weights, optimiser, iterations, start image. */
export const NST_RUN_SCHEMA = defineSchema(
  'NeuralStyleRunOptions',
  'a neural-style run',
  {
    size: {
      kind: 'int',
      min: 16,
      max: 16384,
      default: (_r, c) => (c.platform === 'web' ? 256 : 512),
      defaultDoc: '512; 256 in the browser',
      arg: 'n',
      doc: 'Longest side of the result in pixels: the content image is shrunk to it (never enlarged: enlarge the photo first for a larger result)',
    },
    styleSize: { kind: 'int', min: 16, max: 16384, default: (r) => r.size as number, defaultDoc: 'size', arg: 'n', doc: 'Longest side the style image is resized to' },
    styleScale: STYLE_SCALE_SCHEMA.fields.styleScale,
    tile: {
      kind: 'int',
      min: 64,
      max: 16384,
      arg: 'px',
      defaultDoc: 'one piece when the loss and gradient fit the memory budget, else the largest tiles that fit, up to 1024',
      doc: 'Optimise in tiles of about this many pixels a side against the whole images\' style targets, cut afresh at a random shift each iteration (Adam only)',
    },
    maxPixels: DECODE_SCHEMA.fields.maxPixels,
    memoryBudget: MEMORY_SCHEMA.fields.memoryBudget,
    preserveColors: COLOR_SCHEMA.fields.preserveColors,
    contentWeight: { kind: 'number', min: 0, default: 1, arg: 'x', doc: 'Weight of the content loss' },
    styleWeight: { kind: 'number', min: 0, default: 1e3, arg: 'x', doc: 'Weight of the style loss' },
    tvWeight: {
      kind: 'number',
      min: 0,
      default: (_r, c) => (c.mode === 'transfer' ? 0.1 : 0),
      defaultDoc: '0.1 for transfer, else 0',
      arg: 'x',
      doc: 'Weight of the total-variation smoothness term',
    },
    photorealism: {
      kind: 'number',
      min: 0,
      default: 0,
      arg: 'lambda',
      doc: "Weight of the photorealism term (Luan et al. 2017's λ, 1e4 in their recipe): Σ_c V_cᵀ L V_c, L the content photo's matting Laplacian, which keeps the result a locally affine colour transform of the photo",
    },
    smooth: { kind: 'bool', default: false, doc: "Smooth the result with a guided filter led by the photo (edge-aware; Luan et al.'s post-step), after colour preservation" },
    smoothRadius: { kind: 'int', min: 1, max: 64, default: 2, flag: false, doc: "The guided filter's window radius in pixels" },
    smoothEpsilon: { kind: 'number', min: 0, exclusiveMin: true, default: 1e-3, flag: false, doc: "The guided filter's regularisation (on 0..1 pixels): larger smooths more" },
    optimizer: { kind: 'choice', choices: ['adam', 'lbfgs'], default: 'adam', arg: 'name', doc: 'Optimiser: Adam, or L-BFGS (converges in fewer iterations)' },
    lr: {
      kind: 'number',
      min: 0,
      exclusiveMin: true,
      default: (r) => (r.optimizer === 'adam' ? 4 : 1),
      defaultDoc: '4 for adam (on the 0–255 scale), 1 for lbfgs',
      arg: 'x',
      doc: "Learning rate: Adam's step, or L-BFGS's first step",
    },
    historySize: { kind: 'int', min: 1, max: 1000, default: 10, flag: false, doc: 'L-BFGS history size' },
    iterations: { kind: 'int', min: 1, max: 1e6, default: 250, arg: 'n', doc: 'Optimiser iterations (with startSize: at each scale below the last)' },
    startSize: {
      kind: 'int',
      min: 16,
      max: 16384,
      arg: 'n',
      defaultDoc: 'unset: one scale',
      doc: 'Coarse to fine: start at this longest side and grow by factors of √2 up to size, each scale starting from the previous result enlarged (the painting scaled along)',
    },
    topIterations: {
      kind: 'int',
      min: 1,
      max: 1e6,
      default: (r) => Math.max(1, Math.round((r.iterations as number) / 2)),
      defaultDoc: 'half of iterations',
      arg: 'n',
      doc: 'With startSize: iterations at the last (full) scale, where each costs the most',
    },
    checkpointEvery: { kind: 'int', min: 0, max: 1e6, default: 50, flag: 'checkpoint', arg: 'n', doc: 'Emit the current image every N iterations; 0 for none' },
    init: {
      kind: 'custom',
      tsType: "'noise' | 'content' | 'colors' | RawImage",
      expected: "'noise', 'content', 'colors' or a RawImage of the result's size",
      check: (v) => (INIT_KINDS as readonly unknown[]).includes(v) || isRawImage(v),
      fromString: (s) => s,
      default: (_r: unknown, c: ResolveContext) => (c.mode === 'transfer' ? 'content' : 'noise'),
      defaultDoc: 'content for transfer, else noise',
      arg: 'kind',
      doc: "Start image: Gaussian noise around mid-grey, the content photo, the photo recoloured to the style image's colour mean and covariance (region by region with masks: a photo transfer's start), or given pixels (library only)",
    },
    seed: { kind: 'int', min: 0, max: 2 ** 32 - 1, default: 0, arg: 'n', doc: 'Seed for the noise' },
  },
  {
    check: (r, c) => {
      if (r.init === 'colors' && c.mode !== 'transfer') throw invalidParam('init', "'noise' or an image for a reconstruction (there is no photo and painting pair to match colours between)", r.init);
      if (r.init === 'content' && c.mode === 'style') throw invalidParam('init', "'noise' or an image for style reconstruction", r.init);
      if (r.preserveColors !== 'none' && c.mode !== 'transfer') throw invalidParam('preserveColors', "'none' for a reconstruction (there is no photo and painting pair)", r.preserveColors);
      if (r.startSize !== undefined && c.mode === 'style') throw invalidParam('startSize', 'unset for style reconstruction (there is no photo to grow)', r.startSize);
      if ((r.photorealism as number) > 0 && c.mode !== 'transfer') throw invalidParam('photorealism', '0 for a reconstruction (the term needs a photo)', r.photorealism);
      if (r.smooth && c.mode !== 'transfer') throw invalidParam('smooth', 'false for a reconstruction (the filter is led by the photo)', r.smooth);
      if (r.styleScale !== undefined && c.mode !== 'transfer') throw invalidParam('styleScale', 'unset for a reconstruction (there is no photo to scale the painting to)', r.styleScale);
    },
  },
);

/** A one-off run (`neuralStyle()`, `impasto nst`): the engine's options and the run's. */
export const NST_SCHEMA = defineSchema('NeuralStyleOptions', 'neural style transfer', {}, { extend: [NST_LOAD_SCHEMA, NST_RUN_SCHEMA] });

/** The keys of `NST_LOAD_SCHEMA`, to split a one-off's options. */
export const NST_LOAD_KEYS: readonly string[] = Object.keys(NST_LOAD_SCHEMA.fields);

/** A colour-only photo transfer (`recolor`, `impasto recolor`): the photo's size and the decode limit. */
export const RECOLOR_SCHEMA = defineSchema('RecolorOptions', 'a colour transfer', {
  size: { kind: 'int', min: 1, max: 65535, arg: 'n', defaultDoc: "the photo's own", doc: 'Longest side of the result: the photo is shrunk to it (never enlarged)' },
  maxPixels: DECODE_SCHEMA.fields.maxPixels,
});
