type Row = Record<string, string | number>;
type RunCase = (script: string, args: (string | number)[]) => Record<string, any>;

/** NST rows: ms per iteration for VGG19 and SqueezeNet, and TF.js wasm's tf.grad on the same VGG19 loss. */
export async function nstSection({ quick, runCase, tryCase }: { quick: boolean; runCase: RunCase; tryCase: RunCase }): Promise<Row[]> {
  const rows: Row[] = [];
  const sizes = quick ? [128] : [256, 512];
  const peer = tryCase('nst-case.ts', ['tfjs-wasm', 'vgg19', sizes[0]!, 1]);
  for (const size of sizes) {
    for (const net of ['vgg19', 'squeezenet']) {
      const r = runCase('nst-case.ts', ['impasto', net, size, size >= 512 ? 3 : 5]);
      rows.push({
        size: `${size}²`,
        engine: `impasto ${net}`,
        'ms / iteration': r.msPerIteration,
        'in ONNX Runtime': `${Math.round(r.ortShare * 100)} %`,
        'peak RSS MiB': r.peakRssMiB,
        'vs TF.js wasm VGG19': size === sizes[0] && net === 'vgg19' && !peer.failed ? peer.msPerIteration / r.msPerIteration : '',
      });
    }
  }
  rows.push({ size: `${sizes[0]}²`, engine: peer.failed ? `TF.js wasm VGG19: ${peer.failed}` : 'TF.js wasm VGG19, tf.valueAndGrad', 'ms / iteration': peer.msPerIteration, 'in ONNX Runtime': '-', 'peak RSS MiB': peer.peakRssMiB, 'vs TF.js wasm VGG19': 1 });
  return rows;
}
