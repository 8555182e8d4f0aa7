import type { CallOptions } from "./call_options.ts";
import { ProtocolError } from "./protocol_error.ts";
import type { Schema } from "./schema.ts";

/**
 * What {@link callChecked} needs of a connection: an `RpcClient` is one.
 *
 * @example
 * ```ts
 * import type { Caller } from "./call_checked.ts";
 * const echo: Caller = { peer: "echo", call: (_method, payload) => Promise.resolve(payload) };
 * console.assert(await echo.call("any.method", 5) === 5);
 * ```
 */
export interface Caller {
  /** The peer's name, used in errors. */
  readonly peer: string;
  /** Calls `method` with `payload` and resolves with the raw, unchecked answer. */
  call(method: string, payload: unknown, options?: CallOptions): Promise<unknown>;
}

/**
 * Calls `method` on `peer` and checks the answer against `response`, the
 * method's response schema from its service's `methods.ts`: an answer that
 * does not match is a {@link ProtocolError} naming the method and the peer,
 * never a wrong value handed on. Errors of the call itself (timeout, abort,
 * lost connection, the remote handler's error) pass through unchanged.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import { callChecked } from "./call_checked.ts";
 * const peer = { peer: "rank 1", call: () => Promise.resolve({ sum: 5 }) };
 * const { sum } = await callChecked(peer, "calc.add", [2, 3], z.object({ sum: z.number() }));
 * console.assert(sum === 5);
 * ```
 */
export async function callChecked<T>(
  peer: Caller,
  method: string,
  request: unknown,
  response: Schema<T>,
  options: CallOptions = {},
): Promise<T> {
  const answer = await peer.call(method, request, options);
  const parsed = response.safeParse(answer);
  if (!parsed.success) {
    throw new ProtocolError(
      `"${method}" from ${peer.peer} answered a malformed payload: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}
