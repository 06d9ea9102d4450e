import { type FeatureNet, type NstEvent, type NstOptions, type NstResult, type RawImage, type SessionOptions, neuralStyleTransfer } from '@impasto/core';
import { nodeBackend } from '../backend';
import { decodeImage } from '../image-io';
import { ModelStore, type ModelStoreOptions } from '../store/model-store';
import { type NetName, loadFeatureNet } from './feature-nets';

/** A Node NST run: images as paths or bytes, everything else as in core's `NstOptions`. */
export interface TransferOptions extends NstOptions, SessionOptions {
  /** Content photo (path or encoded bytes); not needed for style reconstruction. */
  content?: string | Uint8Array;
  /** Style painting (path or encoded bytes); not needed for content reconstruction. */
  style?: string | Uint8Array;
  /** Loss network: `vgg19` (default, uint8 weights), `vgg19-f32`, `squeezenet`, or a loaded `FeatureNet`. */
  net?: NetName | FeatureNet;
  /** Longest side of the result in pixels; the content image is resized to it [512]. */
  size?: number;
  /** Longest side the style image is resized to [size]. */
  styleSize?: number;
  /** Pooling inside VGG19 [max]. */
  pooling?: 'max' | 'avg';
  /** Model store (else one from `storeOptions`). */
  store?: ModelStore;
  storeOptions?: ModelStoreOptions;
}

async function loadInputs(o: TransferOptions): Promise<{ content?: RawImage; style?: RawImage }> {
  const size = o.size ?? 512;
  const content = o.content !== undefined ? await decodeImage(o.content, { maxSize: size }) : undefined;
  const style = o.style !== undefined ? await decodeImage(o.style, { maxSize: o.styleSize ?? size }) : undefined;
  return { content, style };
}

/**
 * Gatys et al. neural style transfer in Node. Iterate it for progress and checkpoints; the value it
 * returns holds the final image.
 * @example
 * const run = transfer({ content: 'photo.jpg', style: 'painting.jpg', iterations: 250 });
 * for (let r = await run.next(); ; r = await run.next()) { if (r.done) { save(r.value.image); break; } }
 */
export async function* transfer(options: TransferOptions): AsyncGenerator<NstEvent, NstResult> {
  const inputs = await loadInputs(options);
  const net =
    typeof options.net === 'object'
      ? options.net
      : await loadFeatureNet(
          options.net ?? 'vgg19',
          options.store ?? new ModelStore(options.storeOptions),
          options,
          options.pooling,
        );
  return yield* neuralStyleTransfer(nodeBackend, net, inputs, options);
}
