import { ImpastoError, firstLine, invalidParam, isImpastoError } from '../errors';
import type { TensorData } from '../onnx/tensor';
import type { ResolvedSessionOptions } from '../options/generated';
import { resolveOptions } from '../options/schema';
import type { Backend, Provider } from './backend';
import { type OrtSessionLike, type OrtTensorLike, wrapOrtSession } from './ort-session';
import { isOutOfMemory, runtimeReason } from './out-of-memory';
import { PROVIDERS, SESSION_SCHEMA } from './session-options';

/**
 * What one runtime package (onnxruntime-node, onnxruntime-web) tells core; `createBackend` turns
 * it into a `Backend`, so provider choice, `auto`, the enable-hints and error mapping exist once.
 */
export interface RuntimeAdapter {
  readonly name: string;
  /** Where it runs, for messages: `in Node`, `in the browser`. */
  readonly where: string;
  /** Providers this runtime offers, best first: the order `auto` tries them. */
  readonly providers: readonly Provider[];
  /** For every provider, how to get it here (shown when it is asked for and fails). */
  readonly hints: Readonly<Record<Provider, string>>;
  /**
   * Why `provider` cannot initialise here, or undefined if it may. `auto` skips such providers
   * without trying them (trying prints native errors no log level silences).
   */
  unavailable(provider: Provider): Promise<string | undefined> | string | undefined;
  /** The most threads worth asking for here (4 × the cores): more only hangs or crashes ONNX Runtime. */
  readonly maxThreads: number;
  /** Checks options the runtime cannot honour (throws `INVALID_ARGUMENT`); runs before any session. */
  checkOptions?(options: ResolvedSessionOptions): void;
  /** Creates the runtime's own session; `quiet` while `auto` probes; `keep`: outputs to leave in GPU memory where the provider has it. */
  create(model: Uint8Array, provider: Provider, options: ResolvedSessionOptions, quiet: boolean, keep?: readonly string[]): Promise<OrtSessionLike>;
  /** Brings a device tensor to the host (default: its `getData`). */
  download?(t: OrtTensorLike, provider: Provider): Promise<TensorData>;
  /** Wraps plain tensor data (not copied) as the runtime's tensor. */
  tensor(t: TensorData): OrtTensorLike;
  /** Whether a failure to create a session on `provider` means the model is bad (not the provider). */
  isModelError(provider: Provider, e: unknown): boolean;
}

/** A `Backend` over `adapter`: validates options, runs `auto`, maps errors to `ImpastoError`s. */
export function createBackend(adapter: RuntimeAdapter): Backend {
  const valid = ['auto', ...adapter.providers];
  return {
    name: adapter.name,
    providers: adapter.providers,
    async createSession(model, options = {}, placement = {}) {
      const keep = placement.keepOnDevice ?? [];
      const wrap = (session: OrtSessionLike, p: Provider) =>
        wrapOrtSession(session, p, adapter.tensor, () => adapter.create(model, p, o, true, keep), keep, adapter.download && ((t) => adapter.download!(t, p)));
      // The platform's own choices first: a message listing wasm to a Node user would mislead.
      const asked = (options as { ep?: unknown }).ep;
      if (asked !== undefined && !valid.includes(asked as string) && !(PROVIDERS as readonly unknown[]).includes(asked)) {
        throw invalidParam('ep', `one of ${valid.join(', ')}`, asked);
      }
      const o = resolveOptions<ResolvedSessionOptions>(SESSION_SCHEMA, options);
      for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
        if (o[key] > adapter.maxThreads) throw invalidParam(key, `integer between 0 and ${adapter.maxThreads} (4 × the cores here)`, o[key]);
      }
      adapter.checkOptions?.(o);
      const ep = o.ep;
      if (ep !== 'auto' && !adapter.providers.includes(ep)) {
        throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider '${ep}' is not available ${adapter.where}: ${adapter.hints[ep]}`);
      }
      if (ep !== 'auto') {
        // Asked for by name, a provider is tried even where the probe doubts it: the user sees why it fails.
        try {
          return wrap(await adapter.create(model, ep, o, false, keep), ep);
        } catch (e) {
          if (isImpastoError(e)) throw e; // the adapter's own diagnosis, already saying what to do
          if (isOutOfMemory(e)) throw new ImpastoError('IMAGE_TOO_LARGE', `ONNX Runtime ran out of memory loading the model on ${ep} (${runtimeReason(e)})`, { cause: e });
          if (adapter.isModelError(ep, e)) throw new ImpastoError('BAD_MODEL', `ONNX Runtime could not load the model: ${firstLine(e)}`, { cause: e });
          throw new ImpastoError('PROVIDER_UNAVAILABLE', `execution provider '${ep}' failed to load (${firstLine(e)}); ${adapter.hints[ep]}`, { cause: e });
        }
      }
      const errors: string[] = [];
      for (const p of adapter.providers) {
        const why = await adapter.unavailable(p);
        if (why) {
          errors.push(`[${p}] ${why}`);
          continue;
        }
        const last = p === adapter.providers[adapter.providers.length - 1];
        try {
          return wrap(await adapter.create(model, p, o, !last, keep), p);
        } catch (e) {
          if (isImpastoError(e) && last) throw e;
          if (isOutOfMemory(e)) throw new ImpastoError('IMAGE_TOO_LARGE', `ONNX Runtime ran out of memory loading the model on ${p} (${runtimeReason(e)})`, { cause: e });
          if (last && adapter.isModelError(p, e)) throw new ImpastoError('BAD_MODEL', `ONNX Runtime could not load the model: ${firstLine(e)}`, { cause: e });
          errors.push(`[${p}] ${firstLine(e)}`);
        }
      }
      throw new ImpastoError('PROVIDER_UNAVAILABLE', `no execution provider could run the model: ${errors.join('; ')}`);
    },
  };
}
