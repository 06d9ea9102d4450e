import type { TensorData } from '../onnx/tensor';
import type { AdamState } from '../optim/adam';
import { type DeviceTensor, type Feed, isDeviceTensor } from '../runtime/backend';
import { ParameterSet } from './parameters';
import { TRAIN_IO } from './training-graph';

/**
 * The parameters and Adam's moments between steps: host tensors before the first, then the
 * step's own outputs (device tensors) fed back; read to the host only for checkpoints.
 */
export class TrainingState {
  private current: Record<string, Feed> = {};
  t: number;

  constructor(params: ParameterSet, adam: AdamState | null) {
    this.t = adam?.t ?? 0;
    const m = adam ? new ParameterSet(adam.m) : new ParameterSet();
    const v = adam ? new ParameterSet(adam.v) : new ParameterSet();
    const [mt, vt] = [m.tensors(), v.tensors()];
    for (const [n, t] of Object.entries(params.tensors())) {
      this.current[n] = t;
      this.current[TRAIN_IO.m(n)] = mt[n]!;
      this.current[TRAIN_IO.v(n)] = vt[n]!;
    }
  }

  feeds(): Record<string, Feed> {
    return this.current;
  }

  /** Takes a step's outputs as the state, freeing the last step's device tensors. */
  advance(out: Record<string, TensorData | DeviceTensor>): void {
    const next: Record<string, Feed> = {};
    for (const n of ParameterSet.names()) {
      next[n] = out[TRAIN_IO.next(n)]!;
      next[TRAIN_IO.m(n)] = out[TRAIN_IO.mNext(n)]!;
      next[TRAIN_IO.v(n)] = out[TRAIN_IO.vNext(n)]!;
    }
    this.dispose();
    this.current = next;
    this.t++;
  }

  /** Host copies of the parameters and moments. */
  async read(): Promise<{ params: ParameterSet; adam: AdamState | null }> {
    const [params, m, v] = [new ParameterSet(), new ParameterSet(), new ParameterSet()];
    await Promise.all(
      ParameterSet.names().flatMap((n) =>
        ([[params, n], [m, TRAIN_IO.m(n)], [v, TRAIN_IO.v(n)]] as const).map(async ([set, key]) => {
          const f = this.current[key]!;
          set.view(n).set((isDeviceTensor(f) ? await f.read() : f).data as Float32Array);
        }),
      ),
    );
    return { params, adam: this.t > 0 ? { t: this.t, m: m.values, v: v.values } : null };
  }

  dispose(): void {
    for (const f of Object.values(this.current)) if (isDeviceTensor(f)) f.dispose();
  }
}

