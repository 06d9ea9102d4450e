// Generated from the option schemas by scripts/gen-options.ts (npm run gen:options). Do not edit:
// change the schema (its `doc`, `default`, range) and regenerate; a test fails when this is stale.
import type { RawImage } from '../image/raw-image';

/** Options of an ONNX Runtime session. Plain data: every field is optional and validated when given. */
export interface SessionOptions {
  /** Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran [auto] */
  ep?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  /** Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session) (0–256) [0] */
  intraOpNumThreads?: number;
  /** Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values) (0–256) [0] */
  interOpNumThreads?: number;
}

/** An ONNX Runtime session with every default filled in (what `resolveOptions` returns). */
export interface ResolvedSessionOptions {
  readonly ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
}

/** Options of decoding an image. Plain data: every field is optional and validated when given. */
export interface DecodeOptions {
  /** Shrink so the longest side is at most this many pixels (never enlarges) (1–65535) */
  maxSize?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
}

/** Decoding an image with every default filled in (what `resolveOptions` returns). */
export interface ResolvedDecodeOptions {
  readonly maxSize?: number;
  readonly maxPixels: number;
}

/** Options of encoding an image. Plain data: every field is optional and validated when given. */
export interface EncodeOptions {
  /** Output format [png, or from the output file name] */
  format?: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
  /** JPEG, WebP and AVIF quality (1–100) [the encoder's] */
  quality?: number;
}

/** Encoding an image with every default filled in (what `resolveOptions` returns). */
export interface ResolvedEncodeOptions {
  readonly format?: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
  readonly quality?: number;
}

/** Options of the memory budget. Plain data: every field is optional and validated when given. */
export interface MemoryOptions {
  /** Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits (16–2147483647) [80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser] */
  memoryBudget?: number;
}

/** The memory budget with every default filled in (what `resolveOptions` returns). */
export interface ResolvedMemoryOptions {
  readonly memoryBudget?: number;
}

/** Options of loading a fast-style network. Plain data: every field is optional and validated when given. */
export interface FastStyleLoadOptions {
  /** Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran [auto] */
  ep?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  /** Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session) (0–256) [0] */
  intraOpNumThreads?: number;
  /** Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values) (0–256) [0] */
  interOpNumThreads?: number;
  /** Arithmetic of the network: `int8` quantizes its inner convolutions (calibrated on synthetic images, cached like the float graph) for CPUs with 8-bit dot products; it runs on the cpu and wasm providers only, and `auto` then means those [fp32] */
  precision?: 'fp32' | 'int8';
}

/** Loading a fast-style network with every default filled in (what `resolveOptions` returns). */
export interface ResolvedFastStyleLoadOptions {
  readonly ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly precision: 'fp32' | 'int8';
}

/** Options of stylizing an image. Plain data: every field is optional and validated when given. */
export interface StylizeOptions {
  /** Shrink so the longest side is at most this many pixels (never enlarges) (1–65535) */
  maxSize?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
  /** Output format [png, or from the output file name] */
  format?: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
  /** JPEG, WebP and AVIF quality (1–100) [the encoder's] */
  quality?: number;
  /** Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits (16–2147483647) [80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser] */
  memoryBudget?: number;
  /** Stylize in tiles of at most this many pixels a side, sharing the network's normalisation statistics across the image so tiles match one pass (memory follows the tile; fast style takes about 7x the time, arbitrary style under 2x) (64–65535) [one pass when the image fits the memory budget, else the largest tiles that fit, up to 1024] */
  tile?: number;
  /** Keep the photo's colours: luminance (only brightness is stylized, the photo's chroma kept) or histogram (the style image first recoloured to the photo's colour mean and covariance) [none] */
  preserveColors?: 'none' | 'luminance' | 'histogram';
}

/** Stylizing an image with every default filled in (what `resolveOptions` returns). */
export interface ResolvedStylizeOptions {
  readonly maxSize?: number;
  readonly maxPixels: number;
  readonly format?: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
  readonly quality?: number;
  readonly memoryBudget?: number;
  readonly tile?: number;
  readonly preserveColors: 'none' | 'luminance' | 'histogram';
}

/** Options of loading a neural-style engine. Plain data: every field is optional and validated when given. */
export interface NeuralStyleLoadOptions {
  /** Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran [auto] */
  ep?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  /** Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session) (0–256) [0] */
  intraOpNumThreads?: number;
  /** Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values) (0–256) [0] */
  interOpNumThreads?: number;
  /** Loss network: VGG19 with uint8 weights, VGG19 float32, or SqueezeNet 1.1 (fast) [vgg19; squeezenet in the browser] */
  net?: 'vgg19' | 'vgg19-f32' | 'squeezenet';
  /** Pooling inside VGG19 [max] */
  pooling?: 'max' | 'avg';
  /** Build the style loss per region (masked Gram matrices) so runs can take `contentMask` and `styleMask`; about 5 % more time per iteration. One-off runs, the CLI and the service set it when masks are given [false] */
  regions?: boolean;
  /** `transfer`, or reconstruction of the `content` or the `style` image alone from noise [transfer] */
  mode?: 'transfer' | 'content' | 'style';
  /** Layers of the content loss: names (relu4_2) or VGG19 node indices as in Gatys et al.'s figures (23), comma-separated on the command line [the net's: relu4_2 for VGG19, fire2 for SqueezeNet] */
  contentLayers?: readonly (string | number)[];
  /** Layers of the style loss: names or VGG19 node indices (2,7,12,21,30) [the net's: relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 for VGG19] */
  styleLayers?: readonly (string | number)[];
}

/** Loading a neural-style engine with every default filled in (what `resolveOptions` returns). */
export interface ResolvedNeuralStyleLoadOptions {
  readonly ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly net: 'vgg19' | 'vgg19-f32' | 'squeezenet';
  readonly pooling: 'max' | 'avg';
  readonly regions: boolean;
  readonly mode: 'transfer' | 'content' | 'style';
  readonly contentLayers?: readonly (string | number)[];
  readonly styleLayers?: readonly (string | number)[];
}

/** Options of a neural-style run. Plain data: every field is optional and validated when given. */
export interface NeuralStyleRunOptions {
  /** Longest side of the result in pixels: the content image is shrunk to it (never enlarged: enlarge the photo first for a larger result) (16–16384) [512; 256 in the browser] */
  size?: number;
  /** Longest side the style image is resized to (16–16384) [size] */
  styleSize?: number;
  /** Resize the style image so its longest side is this multiple of the content's (enlarging too); strokes keep their size in pixels, so larger gives larger strokes. Overrides styleSize (> 0, ≤ 16) [unset: styleSize decides] */
  styleScale?: number;
  /** Optimise in tiles of about this many pixels a side against the whole images' style targets, cut afresh at a random shift each iteration (Adam only) (64–16384) [one piece when the loss and gradient fit the memory budget, else the largest tiles that fit, up to 1024] */
  tile?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
  /** Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits (16–2147483647) [80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser] */
  memoryBudget?: number;
  /** Keep the photo's colours: luminance (only brightness is stylized, the photo's chroma kept) or histogram (the style image first recoloured to the photo's colour mean and covariance) [none] */
  preserveColors?: 'none' | 'luminance' | 'histogram';
  /** Weight of the content loss (≥ 0) [1] */
  contentWeight?: number;
  /** Weight of the style loss (≥ 0) [1000] */
  styleWeight?: number;
  /** Weight of the total-variation smoothness term (≥ 0) [0.1 for transfer, else 0] */
  tvWeight?: number;
  /** Weight of the photorealism term (Luan et al. 2017's λ, 1e4 in their recipe): Σ_c V_cᵀ L V_c, L the content photo's matting Laplacian, which keeps the result a locally affine colour transform of the photo (≥ 0) [0] */
  photorealism?: number;
  /** Smooth the result with a guided filter led by the photo (edge-aware; Luan et al.'s post-step), after colour preservation [false] */
  smooth?: boolean;
  /** The guided filter's window radius in pixels (1–64) [2] */
  smoothRadius?: number;
  /** The guided filter's regularisation (on 0..1 pixels): larger smooths more (> 0) [0.001] */
  smoothEpsilon?: number;
  /** Optimiser: Adam, or L-BFGS (converges in fewer iterations) [adam] */
  optimizer?: 'adam' | 'lbfgs';
  /** Learning rate: Adam's step, or L-BFGS's first step (> 0) [4 for adam (on the 0–255 scale), 1 for lbfgs] */
  lr?: number;
  /** L-BFGS history size (1–1000) [10] */
  historySize?: number;
  /** Optimiser iterations (with startSize: at each scale below the last) (1–1000000) [250] */
  iterations?: number;
  /** Coarse to fine: start at this longest side and grow by factors of √2 up to size, each scale starting from the previous result enlarged (the painting scaled along) (16–16384) [unset: one scale] */
  startSize?: number;
  /** With startSize: iterations at the last (full) scale, where each costs the most (1–1000000) [half of iterations] */
  topIterations?: number;
  /** Emit the current image every N iterations; 0 for none (0–1000000) [50] */
  checkpointEvery?: number;
  /** Start image: Gaussian noise around mid-grey, the content photo, the photo recoloured to the style image's colour mean and covariance (region by region with masks: a photo transfer's start), or given pixels (library only) [content for transfer, else noise] */
  init?: 'noise' | 'content' | 'colors' | RawImage;
  /** Seed for the noise (0–4294967295) [0] */
  seed?: number;
}

/** A neural-style run with every default filled in (what `resolveOptions` returns). */
export interface ResolvedNeuralStyleRunOptions {
  readonly size: number;
  readonly styleSize: number;
  readonly styleScale?: number;
  readonly tile?: number;
  readonly maxPixels: number;
  readonly memoryBudget?: number;
  readonly preserveColors: 'none' | 'luminance' | 'histogram';
  readonly contentWeight: number;
  readonly styleWeight: number;
  readonly tvWeight: number;
  readonly photorealism: number;
  readonly smooth: boolean;
  readonly smoothRadius: number;
  readonly smoothEpsilon: number;
  readonly optimizer: 'adam' | 'lbfgs';
  readonly lr: number;
  readonly historySize: number;
  readonly iterations: number;
  readonly startSize?: number;
  readonly topIterations: number;
  readonly checkpointEvery: number;
  readonly init: 'noise' | 'content' | 'colors' | RawImage;
  readonly seed: number;
}

/** Options of neural style transfer. Plain data: every field is optional and validated when given. */
export interface NeuralStyleOptions {
  /** Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran [auto] */
  ep?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  /** Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session) (0–256) [0] */
  intraOpNumThreads?: number;
  /** Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values) (0–256) [0] */
  interOpNumThreads?: number;
  /** Loss network: VGG19 with uint8 weights, VGG19 float32, or SqueezeNet 1.1 (fast) [vgg19; squeezenet in the browser] */
  net?: 'vgg19' | 'vgg19-f32' | 'squeezenet';
  /** Pooling inside VGG19 [max] */
  pooling?: 'max' | 'avg';
  /** Build the style loss per region (masked Gram matrices) so runs can take `contentMask` and `styleMask`; about 5 % more time per iteration. One-off runs, the CLI and the service set it when masks are given [false] */
  regions?: boolean;
  /** `transfer`, or reconstruction of the `content` or the `style` image alone from noise [transfer] */
  mode?: 'transfer' | 'content' | 'style';
  /** Layers of the content loss: names (relu4_2) or VGG19 node indices as in Gatys et al.'s figures (23), comma-separated on the command line [the net's: relu4_2 for VGG19, fire2 for SqueezeNet] */
  contentLayers?: readonly (string | number)[];
  /** Layers of the style loss: names or VGG19 node indices (2,7,12,21,30) [the net's: relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 for VGG19] */
  styleLayers?: readonly (string | number)[];
  /** Longest side of the result in pixels: the content image is shrunk to it (never enlarged: enlarge the photo first for a larger result) (16–16384) [512; 256 in the browser] */
  size?: number;
  /** Longest side the style image is resized to (16–16384) [size] */
  styleSize?: number;
  /** Resize the style image so its longest side is this multiple of the content's (enlarging too); strokes keep their size in pixels, so larger gives larger strokes. Overrides styleSize (> 0, ≤ 16) [unset: styleSize decides] */
  styleScale?: number;
  /** Optimise in tiles of about this many pixels a side against the whole images' style targets, cut afresh at a random shift each iteration (Adam only) (64–16384) [one piece when the loss and gradient fit the memory budget, else the largest tiles that fit, up to 1024] */
  tile?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
  /** Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits (16–2147483647) [80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser] */
  memoryBudget?: number;
  /** Keep the photo's colours: luminance (only brightness is stylized, the photo's chroma kept) or histogram (the style image first recoloured to the photo's colour mean and covariance) [none] */
  preserveColors?: 'none' | 'luminance' | 'histogram';
  /** Weight of the content loss (≥ 0) [1] */
  contentWeight?: number;
  /** Weight of the style loss (≥ 0) [1000] */
  styleWeight?: number;
  /** Weight of the total-variation smoothness term (≥ 0) [0.1 for transfer, else 0] */
  tvWeight?: number;
  /** Weight of the photorealism term (Luan et al. 2017's λ, 1e4 in their recipe): Σ_c V_cᵀ L V_c, L the content photo's matting Laplacian, which keeps the result a locally affine colour transform of the photo (≥ 0) [0] */
  photorealism?: number;
  /** Smooth the result with a guided filter led by the photo (edge-aware; Luan et al.'s post-step), after colour preservation [false] */
  smooth?: boolean;
  /** The guided filter's window radius in pixels (1–64) [2] */
  smoothRadius?: number;
  /** The guided filter's regularisation (on 0..1 pixels): larger smooths more (> 0) [0.001] */
  smoothEpsilon?: number;
  /** Optimiser: Adam, or L-BFGS (converges in fewer iterations) [adam] */
  optimizer?: 'adam' | 'lbfgs';
  /** Learning rate: Adam's step, or L-BFGS's first step (> 0) [4 for adam (on the 0–255 scale), 1 for lbfgs] */
  lr?: number;
  /** L-BFGS history size (1–1000) [10] */
  historySize?: number;
  /** Optimiser iterations (with startSize: at each scale below the last) (1–1000000) [250] */
  iterations?: number;
  /** Coarse to fine: start at this longest side and grow by factors of √2 up to size, each scale starting from the previous result enlarged (the painting scaled along) (16–16384) [unset: one scale] */
  startSize?: number;
  /** With startSize: iterations at the last (full) scale, where each costs the most (1–1000000) [half of iterations] */
  topIterations?: number;
  /** Emit the current image every N iterations; 0 for none (0–1000000) [50] */
  checkpointEvery?: number;
  /** Start image: Gaussian noise around mid-grey, the content photo, the photo recoloured to the style image's colour mean and covariance (region by region with masks: a photo transfer's start), or given pixels (library only) [content for transfer, else noise] */
  init?: 'noise' | 'content' | 'colors' | RawImage;
  /** Seed for the noise (0–4294967295) [0] */
  seed?: number;
}

/** Neural style transfer with every default filled in (what `resolveOptions` returns). */
export interface ResolvedNeuralStyleOptions {
  readonly ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly net: 'vgg19' | 'vgg19-f32' | 'squeezenet';
  readonly pooling: 'max' | 'avg';
  readonly regions: boolean;
  readonly mode: 'transfer' | 'content' | 'style';
  readonly contentLayers?: readonly (string | number)[];
  readonly styleLayers?: readonly (string | number)[];
  readonly size: number;
  readonly styleSize: number;
  readonly styleScale?: number;
  readonly tile?: number;
  readonly maxPixels: number;
  readonly memoryBudget?: number;
  readonly preserveColors: 'none' | 'luminance' | 'histogram';
  readonly contentWeight: number;
  readonly styleWeight: number;
  readonly tvWeight: number;
  readonly photorealism: number;
  readonly smooth: boolean;
  readonly smoothRadius: number;
  readonly smoothEpsilon: number;
  readonly optimizer: 'adam' | 'lbfgs';
  readonly lr: number;
  readonly historySize: number;
  readonly iterations: number;
  readonly startSize?: number;
  readonly topIterations: number;
  readonly checkpointEvery: number;
  readonly init: 'noise' | 'content' | 'colors' | RawImage;
  readonly seed: number;
}

/** Options of a colour transfer. Plain data: every field is optional and validated when given. */
export interface RecolorOptions {
  /** Longest side of the result: the photo is shrunk to it (never enlarged) (1–65535) [the photo's own] */
  size?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
}

/** A colour transfer with every default filled in (what `resolveOptions` returns). */
export interface ResolvedRecolorOptions {
  readonly size?: number;
  readonly maxPixels: number;
}

/** Options of loading the arbitrary-style network. Plain data: every field is optional and validated when given. */
export interface ArbitraryStyleLoadOptions {
  /** Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran [auto] */
  ep?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  /** Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session) (0–256) [0] */
  intraOpNumThreads?: number;
  /** Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values) (0–256) [0] */
  interOpNumThreads?: number;
}

/** Loading the arbitrary-style network with every default filled in (what `resolveOptions` returns). */
export interface ResolvedArbitraryStyleLoadOptions {
  readonly ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
}

/** Options of encoding a style image. Plain data: every field is optional and validated when given. */
export interface StyleCodeOptions {
  /** Longest side the style image is shrunk to before encoding: the style's scale (strokes keep their size in pixels, so smaller gives smaller strokes) (8–16384) [1024] */
  styleSize?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
}

/** Encoding a style image with every default filled in (what `resolveOptions` returns). */
export interface ResolvedStyleCodeOptions {
  readonly styleSize: number;
  readonly maxPixels: number;
}

/** Options of arbitrary style transfer. Plain data: every field is optional and validated when given. */
export interface ArbitraryStylizeOptions {
  /** Shrink so the longest side is at most this many pixels (never enlarges) (1–65535) */
  maxSize?: number;
  /** Refuse images with more pixels than this, before decoding them (decompression-bomb guard) (1–2147483647) [67108864] */
  maxPixels?: number;
  /** Output format [png, or from the output file name] */
  format?: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
  /** JPEG, WebP and AVIF quality (1–100) [the encoder's] */
  quality?: number;
  /** Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits (16–2147483647) [80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser] */
  memoryBudget?: number;
  /** Stylize in tiles of at most this many pixels a side, sharing the network's normalisation statistics across the image so tiles match one pass (memory follows the tile; fast style takes about 7x the time, arbitrary style under 2x) (64–65535) [one pass when the image fits the memory budget, else the largest tiles that fit, up to 1024] */
  tile?: number;
  /** Longest side the style image is shrunk to before encoding: the style's scale (strokes keep their size in pixels, so smaller gives smaller strokes) (8–16384) [1024] */
  styleSize?: number;
  /** Resize the style image so its longest side is this multiple of the content's (enlarging too); strokes keep their size in pixels, so larger gives larger strokes. Overrides styleSize (> 0, ≤ 16) [unset: styleSize decides] */
  styleScale?: number;
  /** Keep the photo's colours: luminance (only brightness is stylized, the photo's chroma kept) or histogram (the style image first recoloured to the photo's colour mean and covariance) [none] */
  preserveColors?: 'none' | 'luminance' | 'histogram';
  /** How much of the style: the result blended with the content photo in image space (the network itself only works at full strength) (≥ 0, ≤ 1) [1] */
  strength?: number;
}

/** Arbitrary style transfer with every default filled in (what `resolveOptions` returns). */
export interface ResolvedArbitraryStylizeOptions {
  readonly maxSize?: number;
  readonly maxPixels: number;
  readonly format?: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
  readonly quality?: number;
  readonly memoryBudget?: number;
  readonly tile?: number;
  readonly styleSize: number;
  readonly styleScale?: number;
  readonly preserveColors: 'none' | 'luminance' | 'histogram';
  readonly strength: number;
}

/** Options of stylizing a video. Plain data: every field is optional and validated when given. */
export interface VideoOptions {
  /** Seconds into the clip to start at (to the microsecond) (≥ 0, ≤ 3600000000) [0] */
  start?: number;
  /** Seconds of the clip to stylize (to the microsecond) (≥ 0.000001, ≤ 3600000000) [to the end] */
  duration?: number;
  /** Shrink frames so the longest side is at most this many pixels (never enlarges; even sizes for the encoder) (16–8192) [the clip's own size] */
  maxSize?: number;
  /** Constant rate factor of the encoder (lower: better and larger; H.264 takes 0-51, VP9 0-63) (0–63) [20 for H.264, 32 for VP9] */
  crf?: number;
  /** Blend each stylized frame with the previous output warped by optical flow where the flow is reliable, so textures stop swimming [true] */
  stabilize?: boolean;
  /** Weight of the warped previous output in the blend (0: per-frame; higher: steadier, further from each frame's own texture) (≥ 0, ≤ 0.95) [0.85] */
  temporalWeight?: number;
  /** Texture changes smaller than this (RGB distance, 0-255 levels) are held where the flow is reliable, so still areas stop shimmering (0: follow every change by 1 - weight) (≥ 0, ≤ 442) [12] */
  temporalThreshold?: number;
  /** Longest side of the frames the optical flow is computed on (smaller: faster, coarser) (32–2048) [256] */
  flowSize?: number;
}

/** Stylizing a video with every default filled in (what `resolveOptions` returns). */
export interface ResolvedVideoOptions {
  readonly start: number;
  readonly duration?: number;
  readonly maxSize?: number;
  readonly crf?: number;
  readonly stabilize: boolean;
  readonly temporalWeight: number;
  readonly temporalThreshold: number;
  readonly flowSize: number;
}

/** Options of training a fast style. Plain data: every field is optional and validated when given. */
export interface TrainOptions {
  /** Execution provider; `auto` tries the best present (Node: cuda, dml, webgpu, cpu; browser: webgpu, wasm) and says which ran [auto] */
  ep?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  /** Threads inside one operator; 0: one per core (Node: os.availableParallelism(); in the browser: wasm threads, every core up to 4 on a cross-origin isolated page, set before the first session) (0–256) [0] */
  intraOpNumThreads?: number;
  /** Threads across operators; 0 lets ONNX Runtime decide (Node only: onnxruntime-web has no such setting and refuses other values) (0–256) [0] */
  interOpNumThreads?: number;
  /** Optimiser steps, each on one batch (lengstrom trains 2 epochs of COCO: 40 000 steps of 4) (1–10000000) [2000] */
  iterations?: number;
  /** Photos per step (1–256) [4] */
  batch?: number;
  /** Side of the square crops the network trains on (a multiple of 4) (16–2048) [256] */
  size?: number;
  /** Longest side the painting is resized to for its Gram matrices (16–4096) [the painting's own] */
  styleSize?: number;
  /** Loss weights: impasto (content 150: photos read within the default steps) or lengstrom (his 7.5: texture first, tens of thousands of steps; results compare with his) [impasto] */
  preset?: 'impasto' | 'lengstrom';
  /** Weight of the content loss (mean squared feature difference) (≥ 0) [the preset's: 150 (impasto), 7.5 (lengstrom)] */
  contentWeight?: number;
  /** Weight of the style loss (Grams ÷ C·H·W, mean squared difference, summed over layers) (≥ 0) [100] */
  styleWeight?: number;
  /** Weight of the total variation (mean squared step, both directions) (≥ 0) [200] */
  tvWeight?: number;
  /** Adam step size (≥ 1e-12, ≤ 10) [0.001] */
  lr?: number;
  /** Learning-rate schedule: constant, or cosine decay to 0 over the iterations [constant] */
  schedule?: 'constant' | 'cosine';
  /** Seed of the initial network, the photo order and the crops (0–2147483647) [1] */
  seed?: number;
  /** Write a checkpoint every n steps (0: only at the end) (0–10000000) [500] */
  checkpointEvery?: number;
  /** Train on at most this many photos of the folder (1–100000000) [all] */
  maxImages?: number;
  /** Loss network [vgg19] */
  net?: 'vgg19' | 'vgg19-f32' | 'squeezenet';
  /** Layer of the content loss [the net's: relu4_2 for VGG19] */
  contentLayer?: string;
  /** Layers of the style loss [the net's: relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 for VGG19] */
  styleLayers?: readonly (string | number)[];
  /** Memory one run may use, in MiB; an image whose estimated peak is larger is refused with the largest size that fits (16–2147483647) [80 % of the memory left in Node: the smaller of the free memory and what its container's limit leaves (IMPASTO_MEMORY_BUDGET overrides); 2048 in the browser] */
  memoryBudget?: number;
}

/** Training a fast style with every default filled in (what `resolveOptions` returns). */
export interface ResolvedTrainOptions {
  readonly ep: 'auto' | 'cpu' | 'cuda' | 'dml' | 'webgpu' | 'wasm';
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly iterations: number;
  readonly batch: number;
  readonly size: number;
  readonly styleSize?: number;
  readonly preset: 'impasto' | 'lengstrom';
  readonly contentWeight?: number;
  readonly styleWeight: number;
  readonly tvWeight: number;
  readonly lr: number;
  readonly schedule: 'constant' | 'cosine';
  readonly seed: number;
  readonly checkpointEvery: number;
  readonly maxImages?: number;
  readonly net: 'vgg19' | 'vgg19-f32' | 'squeezenet';
  readonly contentLayer?: string;
  readonly styleLayers?: readonly (string | number)[];
  readonly memoryBudget?: number;
}
