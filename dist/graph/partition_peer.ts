import type { CallOptions } from "../rpc/call_options.ts";

/**
 * What the distributed sampler and feature store need of a connection to
 * another partition's owner: an `RpcClient` is one.
 *
 * @example
 * ```ts
 * import type { PartitionPeer } from "./partition_peer.ts";
 * import type { RpcClient } from "../rpc/rpc_client.ts";
 * const asPeer = (client: RpcClient): PartitionPeer => client;
 * ```
 */
export interface PartitionPeer {
  /** The peer's name, used in errors. */
  readonly peer: string;
  /**
   * Calls `method` with `payload` and resolves with the raw answer; rejects with `RpcTimeoutError`,
   * `RemoteError` or `ConnectionClosedError`.
   */
  call(method: string, payload: unknown, options?: CallOptions): Promise<unknown>;
}
