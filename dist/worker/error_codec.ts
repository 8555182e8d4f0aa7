import type { z } from "npm:zod@4.6.7";
import { AuthError } from "../rpc/auth_error.ts";
import { ConnectError } from "../rpc/connect_error.ts";
import { ConnectionClosedError } from "../rpc/connection_closed_error.ts";
import { ProtocolError } from "../rpc/protocol_error.ts";
import { RemoteError } from "../rpc/remote_error.ts";
import { RpcTimeoutError } from "../rpc/rpc_timeout_error.ts";
import type { wireErrorSchema } from "./messages.ts";

type WireError = z.infer<typeof wireErrorSchema>;

/** The classes that cross the Worker link as themselves, by `name`. */
const CLASSES: Readonly<Record<string, { prototype: Error }>> = {
  AuthError,
  ConnectError,
  ConnectionClosedError,
  ProtocolError,
  RemoteError,
  RpcTimeoutError,
  RangeError,
  TypeError,
  Error,
};

/**
 * An error as it crosses the Worker link: class name, message and its own
 * fields of plain values (`peer`, `method`, `timeoutMs`, `data`, ...).
 *
 * @example
 * ```ts
 * import { encodeError } from "./error_codec.ts";
 * console.assert(encodeError(new RangeError("no")).name === "RangeError");
 * ```
 */
export function encodeError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === "name" || key === "message" || key === "stack") continue;
    try {
      fields[key] = structuredClone(value);
    } catch {
      // A field that cannot cross a thread is left behind; the message still names it all.
    }
  }
  return { name: error.name, message: error.message, fields };
}

/**
 * The error a Worker sent, as the same class on this side (an
 * `RpcTimeoutError` in the Worker is an `RpcTimeoutError` here, with its
 * `peer`, `method` and `timeoutMs`), so callers can test its type. An
 * error of a class this side does not know becomes a `RemoteError` from
 * `peer` for `method`, carrying the class name as `remoteName`.
 *
 * @example
 * ```ts
 * import { RpcTimeoutError } from "../rpc/rpc_timeout_error.ts";
 * import { decodeError, encodeError } from "./error_codec.ts";
 * const sent = encodeError(new RpcTimeoutError("calc.add", "rank 1", 500));
 * const got = decodeError(sent, "prepare", "partition server 0");
 * console.assert(got instanceof RpcTimeoutError && got.timeoutMs === 500);
 * ```
 */
export function decodeError(wire: WireError, method: string, peer: string): Error {
  const known = Object.hasOwn(CLASSES, wire.name) ? CLASSES[wire.name] : undefined;
  if (!known) return new RemoteError(method, peer, wire.name, wire.message, wire.fields.data);
  const error = new Error(wire.message);
  Object.setPrototypeOf(error, known.prototype);
  Object.assign(error, wire.fields);
  if (error.name !== wire.name) Object.defineProperty(error, "name", { value: wire.name });
  return error;
}
