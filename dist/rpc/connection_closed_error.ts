/**
 * The connection closed (or the peer died) while a call was pending, or a
 * call was made on a closed connection. Every pending call on the connection
 * is rejected with one of these at once, naming the peer and the method.
 *
 * @example
 * ```ts
 * import { ConnectionClosedError } from "./connection_closed_error.ts";
 * const err = new ConnectionClosedError("echo", "rank 1", "peer went away");
 * console.assert(err.message.includes("rank 1") && err.message.includes("echo"));
 * ```
 */
export class ConnectionClosedError extends Error {
  /**
   * Always `"ConnectionClosedError"`; the class name survives logs and the Worker link's error
   * codec.
   */
  override readonly name = "ConnectionClosedError";
  /** The method whose call was cut off. */
  readonly method: string;
  /** The peer the connection led to. */
  readonly peer: string;

  /** Builds the message naming the call, the peer and why the connection closed. */
  constructor(
    method: string,
    peer: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `call "${method}" to ${peer} failed: connection closed (${reason})`,
      options,
    );
    this.method = method;
    this.peer = peer;
  }
}
