import { z } from "npm:zod@4.6.7";
import type { MethodTable } from "./method_table.ts";

/** A heartbeat's request: nothing. */
export const heartbeatRequest = z.null();
/** A heartbeat's answer: nothing; that it came is the news. */
export const heartbeatResponse = z.null();

/**
 * Registers `name` (a service's heartbeat method, declared in its
 * `methods.ts`) on `methods`: it answers at once, so that a client calling
 * it with the `heartbeat` option of `RpcClient` hears from a live server
 * while no other call is pending, and the server's session hears from the
 * client.
 *
 * @example
 * ```ts
 * import { registerHeartbeat } from "./heartbeat.ts";
 * import { MethodTable } from "./method_table.ts";
 * const methods = registerHeartbeat(new MethodTable(), "calc.heartbeat");
 * console.assert(methods.has("calc.heartbeat"));
 * ```
 */
export function registerHeartbeat(methods: MethodTable, name: string): MethodTable {
  return methods.register(name, heartbeatRequest, () => null);
}
