/**
 * The shared-secret handshake failed: the server refused our proof, or the
 * server could not prove that it knows the secret, or the handshake did not
 * finish in time.
 *
 * @example
 * ```ts
 * import { AuthError } from "./auth_error.ts";
 * const err = new AuthError("ws://127.0.0.2:4000 refused the shared secret");
 * console.assert(err.name === "AuthError");
 * ```
 */
export class AuthError extends Error {
  /** Always `"AuthError"`; the class name survives logs and the Worker link's error codec. */
  override readonly name = "AuthError";

  /** `message` should name the peer and which side's proof failed. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
