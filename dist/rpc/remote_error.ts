/**
 * The remote method ran and threw. `remoteName` and `remoteMessage` are the
 * name and message of the error thrown on the other side; `data` is the
 * optional structured detail it attached.
 *
 * @example
 * ```ts
 * import { RemoteError } from "./remote_error.ts";
 * const err = new RemoteError("load", "rank 2", "RangeError", "id out of range");
 * console.assert(err.message.includes("id out of range"));
 * ```
 */
export class RemoteError extends Error {
  /** Always `"RemoteError"`; the remote error's own class name is `remoteName`. */
  override readonly name = "RemoteError";
  /** The method that was called. */
  readonly method: string;
  /** The peer whose method threw. */
  readonly peer: string;
  /** `name` of the error thrown remotely. */
  readonly remoteName: string;
  /** `message` of the error thrown remotely. */
  readonly remoteMessage: string;
  /** Structured detail sent along with the error, if any. */
  readonly data: unknown;

  /** Builds the message naming the call, the peer and the remote error's class and message. */
  constructor(
    method: string,
    peer: string,
    remoteName: string,
    remoteMessage: string,
    data?: unknown,
  ) {
    super(
      `call "${method}" to ${peer} failed remotely: ${remoteName}: ${remoteMessage}`,
    );
    this.method = method;
    this.peer = peer;
    this.remoteName = remoteName;
    this.remoteMessage = remoteMessage;
    this.data = data;
  }
}
