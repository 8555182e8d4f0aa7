/**
 * Where a {@link Transport} delivers what it receives. Called at most once
 * with `closed`, after which no more frames arrive.
 *
 * @example
 * ```ts
 * import { memoryTransportPair } from "./memory_transport_pair.ts";
 * const [near, far] = memoryTransportPair();
 * const got = Promise.withResolvers<string>();
 * far.attach({ frame: (data) => got.resolve(String(data)), closed: () => {} });
 * near.send("hello");
 * console.assert(await got.promise === "hello");
 * near.close();
 * ```
 */
export interface TransportSink {
  /** One whole frame as it arrived (binary, or text for a misbehaving peer). */
  frame(data: Uint8Array | string): void;
  /** The connection is gone; `reason` says why (close code, error, ...). */
  closed(reason: string): void;
}

/**
 * A message-framed, ordered, reliable byte pipe to one peer: the only thing
 * the protocol layer needs from the network. Implemented by a WebSocket and,
 * for protocol tests, by an in-memory pair.
 *
 * @example
 * ```ts
 * import type { Transport } from "./transport.ts";
 * function shout(t: Transport): void {
 *   t.send(new TextEncoder().encode("hi"));
 * }
 * ```
 */
export interface Transport {
  /** Who is on the other end, e.g. `127.0.0.3:41234`; used in errors. */
  readonly peer: string;
  /** Bytes queued but not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Sends one frame; throws if the transport is closed. */
  send(frame: Uint8Array): void;
  /** Closes the connection; `sink.closed` follows. Idempotent. */
  close(code?: number, reason?: string): void;
  /**
   * Starts delivery to `sink`; frames that arrived earlier are delivered
   * first. Must be called exactly once.
   */
  attach(sink: TransportSink): void;
}
