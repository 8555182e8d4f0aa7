/**
 * A call got no answer within its `timeoutMs`. The message names the method
 * and the peer, e.g. `call "calc.add" to rank 1 (ws://127.0.0.3:4000) timed
 * out after 5000 ms`.
 *
 * @example
 * ```ts
 * import { RpcTimeoutError } from "./rpc_timeout_error.ts";
 * const err = new RpcTimeoutError("echo", "rank 1", 100);
 * console.assert(err.method === "echo" && err.timeoutMs === 100);
 * ```
 */
export class RpcTimeoutError extends Error {
  /** Always `"RpcTimeoutError"`; the class name survives logs and the Worker link's error codec. */
  override readonly name = "RpcTimeoutError";
  /** The method that was called. */
  readonly method: string;
  /** The peer that did not answer. */
  readonly peer: string;
  /** The timeout that expired. */
  readonly timeoutMs: number;

  /** Builds the message naming the call, the peer and the timeout. */
  constructor(method: string, peer: string, timeoutMs: number) {
    super(`call "${method}" to ${peer} timed out after ${timeoutMs} ms`);
    this.method = method;
    this.peer = peer;
    this.timeoutMs = timeoutMs;
  }
}
