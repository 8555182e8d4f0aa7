/**
 * A frame broke the wire protocol: not msgpack, truncated, too large, an
 * unknown message kind or version, or a message out of order. The connection
 * that carried it is closed; other connections are unaffected.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "./protocol_error.ts";
 * const err = new ProtocolError("frame of 9 bytes exceeds the 8 byte limit");
 * console.assert(err.name === "ProtocolError");
 * ```
 */
export class ProtocolError extends Error {
  /** Always `"ProtocolError"`; the class name survives logs and the Worker link's error codec. */
  override readonly name = "ProtocolError";

  /**
   * `message` should name the peer and what was malformed; `options.cause` keeps the parse error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
