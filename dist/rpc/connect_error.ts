/**
 * A peer could not be reached before the connect deadline. The message names
 * the address; `cause` holds the last underlying failure.
 *
 * @example
 * ```ts
 * import { ConnectError } from "./connect_error.ts";
 * const err = new ConnectError("ws://127.0.0.2:4000", 3000, 12);
 * console.assert(err.message.includes("ws://127.0.0.2:4000"));
 * ```
 */
export class ConnectError extends Error {
  /** Always `"ConnectError"`; the class name survives logs and the Worker link's error codec. */
  override readonly name = "ConnectError";
  /** The address that could not be reached. */
  readonly url: string;

  /**
   * Builds the message naming `url`, the deadline and the attempts made; `options.cause` keeps the
   * last failure.
   */
  constructor(
    url: string,
    deadlineMs: number,
    attempts: number,
    options?: ErrorOptions,
  ) {
    super(
      `could not reach ${url} within ${deadlineMs} ms (${attempts} attempts)`,
      options,
    );
    this.url = url;
  }
}
