/**
 * Options of one RPC call.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "./call_options.ts";
 * const options: CallOptions = { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface CallOptions {
  /** Fail with `RpcTimeoutError` if no answer comes in this many ms. */
  readonly timeoutMs?: number;
  /** Abort the call (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}
