import { Coordinator } from "./coordinator.ts";
import { MethodTable } from "../rpc/method_table.ts";
import { type RpcServer, serveRpc } from "../rpc/serve_rpc.ts";

/**
 * Options of {@link serveCoordinator}.
 *
 * @example
 * ```ts
 * import type { ServeCoordinatorOptions } from "./serve_coordinator.ts";
 * const options: ServeCoordinatorOptions = {
 *   hostname: "127.0.0.2", port: 29500, worldSize: 4, secret: new TextEncoder().encode("a shared secret"),
 * };
 * ```
 */
export interface ServeCoordinatorOptions {
  /** `--master_addr`: the interface to listen on. */
  readonly hostname: string;
  /** `--master_port`; 0 picks a free port. */
  readonly port: number;
  /** Number of ranks in the world. */
  readonly worldSize: number;
  /** The shared secret. */
  readonly secret: Uint8Array;
  /** Where refusals and protocol errors go; default console.warn. */
  readonly log?: (line: string) => void;
  /** How long the world may take to form, from the first join; default 60 s. */
  readonly joinTimeoutMs?: number;
  /** A rank silent this long (its heartbeats stopped) ends the world; default: never. */
  readonly peerTimeoutMs?: number;
  /** How the coordinator introduces itself, e.g. `coordinator on rank 0`; default `coordinator`. */
  readonly name?: string;
}

/**
 * A running coordinator: its state and the server hosting it.
 *
 * @example
 * ```ts
 * import { serveCoordinator } from "./serve_coordinator.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 2, secret });
 * console.assert(host.coordinator.size === 2 && host.server.port > 0);
 * await host.close();
 * ```
 */
export interface CoordinatorHost {
  /** The world's state: who joined, barriers, shutdown. */
  readonly coordinator: Coordinator;
  /** The RPC server the ranks connect to; `server.url` is what they join. */
  readonly server: RpcServer;
  /** Closes the coordinator's connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Hosts a {@link Coordinator} for a world of `worldSize` ranks at
 * `hostname:port` (rank 0 does this at `--master_addr:--master_port`).
 * Every rank, rank 0 included, then joins with `WorldMember.join`.
 *
 * @example
 * ```ts
 * import { serveCoordinator } from "./serve_coordinator.ts";
 * const host = serveCoordinator({
 *   hostname: "127.0.0.1", port: 0, worldSize: 2,
 *   secret: new TextEncoder().encode("a shared secret"),
 * });
 * console.assert(host.server.url.startsWith("ws://127.0.0.1:"));
 * await host.close();
 * ```
 */
export function serveCoordinator(options: ServeCoordinatorOptions): CoordinatorHost {
  const coordinator = new Coordinator(
    options.worldSize,
    options.joinTimeoutMs === undefined ? {} : { joinTimeoutMs: options.joinTimeoutMs },
  );
  const methods = new MethodTable();
  coordinator.register(methods);
  const server = serveRpc({
    hostname: options.hostname,
    port: options.port,
    secret: options.secret,
    methods,
    name: options.name ?? "coordinator",
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.peerTimeoutMs }),
  });
  return {
    coordinator,
    server,
    close: async () => {
      coordinator.shutdown("coordinator closing");
      await server.close();
    },
  };
}
