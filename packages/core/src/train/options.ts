import { MEMORY_SCHEMA } from '../image/options';
import { LOSS_NETS } from '../nets/loss-nets';
import type { ResolvedTrainOptions } from '../options/generated';
import { defineSchema } from '../options/schema';
import { SESSION_SCHEMA } from '../runtime/session-options';

/**
 * Content weights by preset. `lengstrom` is lengstrom/fast-style-transfer's (`src/optimize.py`):
 * with it the network learns the painting's texture long before the photo (his 2 epochs of COCO
 * are 40 000 steps; after 2 176 steps here the outputs of four photos were the same texture).
 * `impasto` weighs content 20× more, and photos read within a few hundred steps.
 */
export const TRAIN_PRESETS = {
  impasto: { contentWeight: 150 },
  lengstrom: { contentWeight: 7.5 },
} as const;

/**
 * Training a fast style. The losses, their normalisations, the style and TV weights and the
 * optimiser are lengstrom/fast-style-transfer's (`src/optimize.py`), so the flags mean what his
 * mean; the content weight comes from `preset` unless given.
 */
export const TRAIN_SCHEMA = defineSchema(
  'TrainOptions',
  'training a fast style',
  {
    iterations: {
      kind: 'int',
      min: 1,
      max: 10_000_000,
      default: 2000,
      arg: 'n',
      doc: 'Optimiser steps, each on one batch (lengstrom trains 2 epochs of COCO: 40 000 steps of 4)',
    },
    batch: { kind: 'int', min: 1, max: 256, default: 4, arg: 'n', doc: 'Photos per step' },
    size: { kind: 'int', min: 16, max: 2048, default: 256, arg: 'px', doc: 'Side of the square crops the network trains on (a multiple of 4)' },
    styleSize: { kind: 'int', min: 16, max: 4096, arg: 'px', defaultDoc: "the painting's own", doc: 'Longest side the painting is resized to for its Gram matrices' },
    preset: {
      kind: 'choice',
      choices: ['impasto', 'lengstrom'],
      default: 'impasto',
      arg: 'name',
      doc: "Loss weights: impasto (content 150: photos read within the default steps) or lengstrom (his 7.5: texture first, tens of thousands of steps; results compare with his)",
    },
    contentWeight: { kind: 'number', min: 0, arg: 'x', defaultDoc: "the preset's: 150 (impasto), 7.5 (lengstrom)", doc: 'Weight of the content loss (mean squared feature difference)' },
    styleWeight: { kind: 'number', min: 0, default: 100, arg: 'x', doc: 'Weight of the style loss (Grams ÷ C·H·W, mean squared difference, summed over layers)' },
    tvWeight: { kind: 'number', min: 0, default: 200, arg: 'x', doc: 'Weight of the total variation (mean squared step, both directions)' },
    lr: { kind: 'number', min: 1e-12, max: 10, default: 1e-3, arg: 'x', doc: 'Adam step size' },
    schedule: { kind: 'choice', choices: ['constant', 'cosine'], default: 'constant', arg: 'kind', doc: 'Learning-rate schedule: constant, or cosine decay to 0 over the iterations' },
    seed: { kind: 'int', min: 0, max: 2 ** 31 - 1, default: 1, arg: 'n', doc: 'Seed of the initial network, the photo order and the crops' },
    checkpointEvery: { kind: 'int', min: 0, max: 10_000_000, default: 500, arg: 'n', doc: 'Write a checkpoint every n steps (0: only at the end)' },
    maxImages: { kind: 'int', min: 1, max: 100_000_000, arg: 'n', defaultDoc: 'all', doc: 'Train on at most this many photos of the folder' },
    net: { kind: 'choice', choices: LOSS_NETS, default: 'vgg19', doc: 'Loss network' },
    contentLayer: {
      kind: 'custom',
      tsType: 'string',
      expected: 'a layer name',
      arg: 'layer',
      defaultDoc: "the net's: relu4_2 for VGG19",
      doc: 'Layer of the content loss',
      check: (v) => typeof v === 'string' && v.length > 0,
      fromString: (s) => s,
    },
    styleLayers: { kind: 'list', minLength: 1, arg: 'layers', defaultDoc: "the net's: relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 for VGG19", doc: 'Layers of the style loss' },
    memoryBudget: MEMORY_SCHEMA.fields.memoryBudget,
  },
  { extend: [SESSION_SCHEMA] },
);

/** Resolved options with the preset's content weight filled in where none was given. */
export type TrainSettings = ResolvedTrainOptions & { readonly contentWeight: number };

export function withPreset(o: ResolvedTrainOptions): TrainSettings {
  return { ...o, contentWeight: o.contentWeight ?? TRAIN_PRESETS[o.preset].contentWeight };
}
