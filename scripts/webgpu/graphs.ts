/**
 * The graphs whose placement on the webgpu provider we check, built from the real weights
 * (placement depends on the operators only, but these are the graphs users run): fast style wave,
 * the default NST objectives on SqueezeNet and VGG19, and MicroAST's stylize graph.
 */
import { ModelStore } from '@impasto/node';
import { MICROAST_FILES, buildStylizeGraph, readTorchCheckpoint } from '@impasto/core/ast';
import { buildFastStyleGraph, optimizeFastStyleGraph, readFstCheckpoint } from '@impasto/core/fst';
import { LOSS_NET_DEFAULTS, LOSS_NET_MODEL, buildObjectiveGraph, contentTerm, loadLossNet, styleTerm, tvTerm } from '@impasto/core/nst';
import type { Graph } from '@impasto/core/onnx';
import { weightsDir } from '../paths';

/** Graph names, in the order `placementGraph` knows them. */
export const PLACEMENT_GRAPHS = ['fst wave', 'nst squeezenet objective', 'nst vgg19 objective', 'microast stylize'] as const;
export type PlacementGraph = (typeof PLACEMENT_GRAPHS)[number];

/** Builds one of `PLACEMENT_GRAPHS` from the weights mirror. */
export async function placementGraph(name: PlacementGraph): Promise<Graph> {
  const store = new ModelStore({ mirror: weightsDir(), download: false });
  switch (name) {
    case 'fst wave':
      return optimizeFastStyleGraph(buildFastStyleGraph(await readFstCheckpoint(store.source('fst/wave'))));
    case 'nst squeezenet objective':
    case 'nst vgg19 objective': {
      const net = name === 'nst squeezenet objective' ? 'squeezenet' : 'vgg19';
      const d = LOSS_NET_DEFAULTS[net];
      const loss = await loadLossNet(net, store.source(LOSS_NET_MODEL[net]), [d.content, ...d.style]);
      return buildObjectiveGraph(loss, [contentTerm([d.content]), styleTerm(d.style), tvTerm()]);
    }
    case 'microast stylize': {
      const ast = store.source('microast');
      const read = async (f: string) => readTorchCheckpoint(await ast.read(f), f);
      return buildStylizeGraph({ contentEncoder: await read(MICROAST_FILES.contentEncoder), decoder: await read(MICROAST_FILES.decoder) });
    }
  }
}
