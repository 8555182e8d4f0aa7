import { Census, type CensusExpectation } from "./census.ts";
import { Coordinator } from "./coordinator.ts";
import { registerHeartbeat } from "../rpc/heartbeat.ts";
import { MethodTable } from "../rpc/method_table.ts";
import { COORD_HEARTBEAT } from "./methods.ts";
import { type RpcServer, serveRpc } from "../rpc/serve_rpc.ts";

/**
 * Options of {@link serveWorld}.
 *
 * @example
 * ```ts
 * import type { ServeWorldOptions } from "./serve_world.ts";
 * const options: ServeWorldOptions = {
 *   hostname: "10.0.0.1", port: 11234, expect: { nodes: 2 }, secret: new TextEncoder().encode("a shared secret"),
 * };
 * ```
 */
export interface ServeWorldOptions {
  /** `--master_addr`: the interface to listen on. */
  readonly hostname: string;
  /** `--master_port`; 0 picks a free port. */
  readonly port: number;
  /** What is known of the world before anyone reports. */
  readonly expect: CensusExpectation;
  /** The shared secret. */
  readonly secret: Uint8Array;
  /** Where refusals and protocol errors go; default console.warn. */
  readonly log?: (line: string) => void;
  /** How long the world may take to join once the census is complete; default 60 s. */
  readonly joinTimeoutMs?: number;
  /** A rank silent this long (its heartbeats stopped) ends the world; default: never. */
  readonly peerTimeoutMs?: number;
}

/**
 * A running census and, once it is complete, the coordinator of the world it formed.
 *
 * @example
 * ```ts
 * import { serveWorld } from "./serve_world.ts";
 * const host = serveWorld({
 *   hostname: "127.0.0.1", port: 0, expect: { size: 1 }, secret: new TextEncoder().encode("a shared secret"),
 * });
 * console.assert(host.server.url.startsWith("ws://"));
 * await host.close();
 * ```
 */
export interface WorldHost {
  readonly census: Census;
  /** Resolves with the coordinator once the census is complete. */
  readonly coordinator: Promise<Coordinator>;
  readonly server: RpcServer;
  /** Ends the census or the coordinator, closes their connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Hosts a {@link Census} at `hostname:port` and, once it is complete and
 * before any process learns the result, a {@link Coordinator} of the world
 * it formed on the same server: each process reports to the census, then
 * joins with `WorldMember.join` at the same address.
 *
 * @example
 * ```ts
 * import { serveWorld } from "./serve_world.ts";
 * const host = serveWorld({
 *   hostname: "127.0.0.1", port: 0, expect: { nodes: 2 },
 *   secret: new TextEncoder().encode("a shared secret"),
 * });
 * console.assert(host.server.url.startsWith("ws://127.0.0.1:"));
 * await host.close();
 * ```
 */
export function serveWorld(options: ServeWorldOptions): WorldHost {
  const methods = new MethodTable();
  // Registered as the census completes, before its answers go out: a process
  // that learnt the world always finds the coordinator.
  const coordinator = Promise.withResolvers<Coordinator>();
  const census = new Census(options.expect, (result) => {
    const c = new Coordinator(
      result.size,
      options.joinTimeoutMs === undefined ? {} : { joinTimeoutMs: options.joinTimeoutMs },
    );
    c.register(methods);
    coordinator.resolve(c);
  });
  census.done.catch((error) => coordinator.reject(error));
  coordinator.promise.catch(() => {});
  census.register(methods);
  // Processes waiting for the census heartbeat too: a silent one is gone.
  registerHeartbeat(methods, COORD_HEARTBEAT);
  const server = serveRpc({
    hostname: options.hostname,
    port: options.port,
    secret: options.secret,
    methods,
    name: "coordinator on rank 0",
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.peerTimeoutMs }),
  });
  return {
    census,
    coordinator: coordinator.promise,
    server,
    close: async () => {
      census.close();
      (await coordinator.promise.catch(() => null))?.shutdown("coordinator closing");
      await server.close();
    },
  };
}
