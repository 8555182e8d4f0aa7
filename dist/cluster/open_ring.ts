import { connectRpc } from "../rpc/connect_rpc.ts";
import { RingAllReduce } from "./ring_all_reduce.ts";
import type { RingMailbox } from "./ring_mailbox.ts";
import { RING_HEARTBEAT } from "./methods.ts";
import type { RpcClient } from "../rpc/rpc_client.ts";

/**
 * Options of {@link openRing}.
 *
 * @example
 * ```ts
 * import type { OpenRingOptions } from "./open_ring.ts";
 * import { RingMailbox } from "./ring_mailbox.ts";
 * const options: OpenRingOptions = {
 *   addresses: ["ws://127.0.0.2:4000", "ws://127.0.0.3:4000"], index: 1,
 *   secret: new TextEncoder().encode("a shared secret"), mailbox: new RingMailbox("rank 0"),
 * };
 * ```
 */
export interface OpenRingOptions {
  /** RPC addresses (`ws://...`) of the participants, in ring order. */
  readonly addresses: readonly string[];
  /** This participant's position in `addresses`. */
  readonly index: number;
  /** The shared secret. */
  readonly secret: Uint8Array;
  /** This participant's mailbox, registered on its own RPC server. */
  readonly mailbox: RingMailbox;
  /** Piece size in floats; default 1 Mi. */
  readonly chunkFloats?: number;
  /** Per-piece timeout; default 60 s. */
  readonly timeoutMs?: number;
  /** How long to retry a right neighbour that is not up yet; default 30 s. */
  readonly connectDeadlineMs?: number;
  /** A right neighbour silent this long is gone (heartbeats); default: no heartbeat. */
  readonly peerTimeoutMs?: number;
}

/**
 * Connects this participant to its right neighbour and returns the ring,
 * with the connection (close it when done). The participants are usually
 * the world's trainers, in rank order.
 *
 * @example
 * ```ts
 * import { openRing } from "./open_ring.ts";
 * import { RingMailbox } from "./ring_mailbox.ts";
 * const { ring, right } = await openRing({
 *   addresses: ["ws://127.0.0.1:9"], index: 0,
 *   secret: new TextEncoder().encode("a shared secret"), mailbox: new RingMailbox("none"),
 * });
 * console.assert(ring.size === 1 && right === null);
 * ```
 */
export async function openRing(
  options: OpenRingOptions,
): Promise<{ ring: RingAllReduce; right: RpcClient | null }> {
  const size = options.addresses.length;
  const index = options.index;
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`index must be in 0..${size - 1}, got ${index}`);
  }
  const right = size === 1 ? null : await connectRpc(options.addresses[(index + 1) % size]!, {
    secret: options.secret,
    name: `ring ${index}`,
    connectDeadlineMs: options.connectDeadlineMs ?? 30_000,
    ...(options.peerTimeoutMs === undefined
      ? {}
      : { heartbeat: { method: RING_HEARTBEAT, peerTimeoutMs: options.peerTimeoutMs } }),
  });
  const ring = new RingAllReduce({
    index,
    size,
    right,
    mailbox: options.mailbox,
    ...(options.chunkFloats === undefined ? {} : { chunkFloats: options.chunkFloats }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { ring, right };
}
