import type { MethodTable } from "./method_table.ts";
import { RpcSession } from "./rpc_session.ts";
import { timerDelay } from "./timer_delay.ts";
import { WebSocketTransport } from "./websocket_transport.ts";

/**
 * Options of {@link serveRpc}.
 *
 * @example
 * ```ts
 * import { MethodTable } from "./method_table.ts";
 * import type { ServeRpcOptions } from "./serve_rpc.ts";
 * const options: ServeRpcOptions = {
 *   hostname: "127.0.0.2", port: 0, secret: new TextEncoder().encode("a shared secret"),
 *   methods: new MethodTable(), name: "rank 0",
 * };
 * ```
 */
export interface ServeRpcOptions {
  /** Interface to listen on, e.g. `127.0.0.2`; never defaults to all interfaces. */
  readonly hostname: string;
  /** Port; 0 picks a free one (read it back from `server.port`). */
  readonly port: number;
  /** The shared secret every client must prove. */
  readonly secret: Uint8Array;
  /** The methods served. */
  readonly methods: MethodTable;
  /** How this server introduces itself, e.g. `rank 0`. */
  readonly name?: string;
  /** Largest frame accepted; default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** Time a client has to authenticate; default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Where refusals and protocol errors go; default console.warn. */
  readonly log?: (line: string) => void;
  /** Drops an authenticated client that sends nothing for this long; default never. */
  readonly peerTimeoutMs?: number;
  /**
   * How long `close` lets connections finish their close handshake before
   * it drops them (a stopped or hostile peer never answers); default 1 s.
   */
  readonly closeGraceMs?: number;
}

/**
 * A running RPC server; see {@link serveRpc}.
 *
 * @example
 * ```ts
 * import { MethodTable } from "./method_table.ts";
 * import { serveRpc } from "./serve_rpc.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const server = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods: new MethodTable() });
 * console.assert(server.port > 0 && server.url === `ws://127.0.0.1:${server.port}`);
 * await server.close();
 * ```
 */
export interface RpcServer {
  /** The interface the server listens on, as bound. */
  readonly hostname: string;
  /** The bound port; the one the system chose when `port` 0 was asked for. */
  readonly port: number;
  /** `ws://hostname:port`, what clients connect to. */
  readonly url: string;
  /** Connections currently open (authenticated or not). */
  readonly sessionCount: number;
  /**
   * Closes every connection, waits at most the close grace period for them
   * to finish, then drops whatever is left and stops listening.
   */
  close(): Promise<void>;
}

/**
 * Serves `methods` over WebSocket at `hostname:port`. Each connection gets
 * its own {@link RpcSession}: it must authenticate with the shared secret
 * before any method runs, and a protocol error closes only that connection.
 *
 * @example
 * ```ts
 * import { MethodTable } from "./method_table.ts";
 * import { serveRpc } from "./serve_rpc.ts";
 * const server = serveRpc({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   secret: new TextEncoder().encode("a shared secret"),
 *   methods: new MethodTable(),
 * });
 * console.assert(server.url.startsWith("ws://127.0.0.1:"));
 * await server.close();
 * ```
 */
export function serveRpc(options: ServeRpcOptions): RpcServer {
  if (typeof options.hostname !== "string" || options.hostname === "") {
    throw new TypeError("serveRpc needs an explicit hostname to listen on");
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new RangeError(`port must be 0..65535, got ${options.port}`);
  }
  const sessions = new Set<RpcSession>();
  const sessionOptions = {
    secret: options.secret,
    methods: options.methods,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    ...(options.handshakeTimeoutMs === undefined
      ? {}
      : { handshakeTimeoutMs: options.handshakeTimeoutMs }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.peerTimeoutMs }),
  };
  const graceMs = options.closeGraceMs ?? 1_000;
  const server = listen({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
  }, (request, info) => {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("webgnn RPC: WebSocket only\n", { status: 426 });
    }
    const remote = `${info.remoteAddr.hostname}:${info.remoteAddr.port}`;
    const { socket, response } = Deno.upgradeWebSocket(request);
    const session = new RpcSession(new WebSocketTransport(socket, remote), sessionOptions);
    sessions.add(session);
    session.done.then(() => sessions.delete(session));
    return response;
  });
  const { hostname, port } = server.addr;
  return {
    hostname,
    port,
    url: `ws://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      const all = [...sessions];
      for (const session of all) session.close();
      // Shutting down drops every connection still open, upgraded or not.
      await withinGrace(Promise.all(all.map((s) => s.done)), graceMs);
      await withinGrace(server.shutdown(), graceMs);
    },
  };
}

/** Deno.serve, with an address that cannot be listened on named in the error. */
function listen(
  options: Deno.ServeTcpOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve(options, handler);
  } catch (error) {
    const where = `${options.hostname}:${options.port}`;
    throw new Error(`cannot listen on ${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Resolves when `p` settles or after `ms`, whichever comes first. */
async function withinGrace(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, timerDelay(ms)));
  try {
    await Promise.race([p.then(() => {}, () => {}), grace]);
  } finally {
    clearTimeout(timer);
  }
}
