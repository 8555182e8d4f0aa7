import { acceptWebSocket } from "./accept_websocket.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./message_codec.ts";
import { MAX_HANDSHAKE_MESSAGE_BYTES } from "./messages.ts";
import type { MethodTable } from "./method_table.ts";
import { RefusalLog } from "./refusal_log.ts";
import { RpcSession } from "./rpc_session.ts";
import { timerDelay } from "./timer_delay.ts";
import type { TcpWebSocket } from "./tcp_websocket.ts";
import { WebSocketTransport } from "./websocket_transport.ts";

/**
 * Default of {@link ServeRpcOptions.maxUnauthenticated}: a cluster's peers
 * authenticate within milliseconds, so 64 leaves room for a world of 64
 * ranks joining at once, and more only wait to be accepted.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_UNAUTHENTICATED } from "./serve_rpc.ts";
 * console.assert(DEFAULT_MAX_UNAUTHENTICATED === 64);
 * ```
 */
export const DEFAULT_MAX_UNAUTHENTICATED = 64;
/**
 * Default of {@link ServeRpcOptions.maxConnections}: far above what a
 * cluster opens to one listener, far below a process's descriptors.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_CONNECTIONS } from "./serve_rpc.ts";
 * console.assert(DEFAULT_MAX_CONNECTIONS === 1024);
 * ```
 */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** How long after the handshake deadline a connection still open is cut at the TCP level. */
const DEADLINE_GRACE_MS = 500;

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
  /** Largest frame accepted from an authenticated client; default 64 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Time a client has, from its TCP connection on, to upgrade to WebSocket
   * and authenticate; default 10 s. Then it is refused, and its TCP
   * connection closed at most 0.5 s later.
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * Connections not yet authenticated, at most; default 64. While that many
   * are open, new ones wait in the kernel's accept queue.
   */
  readonly maxUnauthenticated?: number;
  /** Connections in all, at most; default 1024. New ones wait likewise. */
  readonly maxConnections?: number;
  /** Where refusals and protocol errors go; default console.warn. Refusals are summed up. */
  readonly log?: (line: string) => void;
  /** Interval of the refusal summaries; default 10 s. */
  readonly refusalLogIntervalMs?: number;
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
  /** Connections currently open and not authenticated. */
  readonly unauthenticatedCount: number;
  /** Connections refused since the server started. */
  readonly refusedCount: number;
  /**
   * Stops listening, closes every connection, waits at most the close grace
   * period for them to finish, then drops whatever is left.
   */
  close(): Promise<void>;
}

/**
 * Serves `methods` over WebSocket at `hostname:port`. Each connection gets
 * its own {@link RpcSession}: it must authenticate with the shared secret
 * before any method runs, and a protocol error closes only that connection.
 *
 * Until a client has authenticated, it is held to what the handshake needs:
 * an opening request of at most 4 KiB, then frames of at most
 * `MAX_HANDSHAKE_MESSAGE_BYTES` (1 KiB), refused on the frame header before
 * anything is buffered or decoded, and no pings or text; and to a deadline
 * (`handshakeTimeoutMs`) after which the TCP connection is closed. At most
 * `maxUnauthenticated` such connections are open at once, `maxConnections`
 * in all: beyond them the server stops accepting until one ends, so file
 * descriptors and memory before authentication stay bounded (about 10 KiB a
 * connection). Refusals are logged one line at first, then summed up once
 * per interval, with the peers' claimed names made printable.
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
  const maxUnauthenticated = options.maxUnauthenticated ?? DEFAULT_MAX_UNAUTHENTICATED;
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const log = options.log ?? ((line: string) => console.warn(line));
  const refusals = new RefusalLog({
    log,
    ...(options.name === undefined ? {} : { server: options.name }),
    ...(options.refusalLogIntervalMs === undefined
      ? {}
      : { intervalMs: options.refusalLogIntervalMs }),
  });
  const graceMs = options.closeGraceMs ?? 1_000;
  const listener = listen(options.hostname, options.port);
  const sessions = new Set<RpcSession>();
  /** Every open connection: its socket once upgraded, and what ends its bookkeeping. */
  const open = new Map<Deno.TcpConn, { socket: TcpWebSocket | null; leave: () => void }>();
  let unauthenticated = 0;
  let closing = false;
  let room = Promise.withResolvers<void>();
  const freed = () => {
    room.resolve();
    room = Promise.withResolvers<void>();
  };

  const serve = async (conn: Deno.TcpConn) => {
    const remote = `${conn.remoteAddr.hostname}:${conn.remoteAddr.port}`;
    unauthenticated++;
    let authenticated = false;
    const leave = () => {
      if (!open.delete(conn)) return;
      if (!authenticated) unauthenticated--;
      clearTimeout(deadline);
      freed();
    };
    open.set(conn, { socket: null, leave });
    const deadline = setTimeout(() => {
      const socket = open.get(conn)?.socket;
      const why = `no authentication within ${handshakeTimeoutMs} ms`;
      if (socket) return socket.drop(why); // the session reports the refusal
      refusals.refused(remote, `${why} (opening request unfinished)`);
      closeQuietly(conn);
      leave();
    }, handshakeTimeoutMs + DEADLINE_GRACE_MS);
    let socket: TcpWebSocket;
    try {
      conn.setNoDelay(true);
      socket = await acceptWebSocket(conn, {
        maxMessageBytes: MAX_HANDSHAKE_MESSAGE_BYTES,
        handshakeOnly: true,
      });
    } catch (error) {
      if (open.has(conn)) {
        refusals.refused(remote, (error as Error).message);
        closeQuietly(conn);
        leave();
      }
      return;
    }
    if (!open.has(conn)) return void socket.drop("server closing");
    open.set(conn, { socket, leave });
    const session = new RpcSession(new WebSocketTransport(socket, remote), {
      secret: options.secret,
      methods: options.methods,
      maxMessageBytes,
      handshakeTimeoutMs,
      log,
      refused: (peer, why) => refusals.refused(peer, why),
      onAuthenticated: () => {
        authenticated = true;
        unauthenticated--;
        clearTimeout(deadline);
        socket.handshakeOnly = false;
        socket.maxMessageBytes = maxMessageBytes;
        freed();
      },
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.peerTimeoutMs }),
    });
    sessions.add(session);
    session.done.then(() => {
      sessions.delete(session);
      leave();
    });
  };

  const accepting = (async () => {
    while (!closing) {
      while (!closing && (unauthenticated >= maxUnauthenticated || open.size >= maxConnections)) {
        await room.promise;
      }
      if (closing) break;
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) break;
        // Out of descriptors, say: say so (summed up) and let some close first.
        refusals.refused("(accept)", (error as Error).message.split("\n")[0] ?? "");
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (closing) closeQuietly(conn);
      else serve(conn);
    }
  })();

  const { hostname, port } = listener.addr;
  return {
    hostname,
    port,
    url: `ws://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    get sessionCount() {
      return open.size;
    },
    get unauthenticatedCount() {
      return unauthenticated;
    },
    get refusedCount() {
      return refusals.total;
    },
    async close() {
      closing = true;
      freed();
      listener.close();
      await accepting;
      const all = [...sessions];
      for (const session of all) session.close();
      for (const [conn, { socket, leave }] of open) {
        if (socket === null) {
          closeQuietly(conn);
          leave();
        }
      }
      // A peer that never answers the close (stopped, hostile) is dropped after the grace period.
      await withinGrace(Promise.all(all.map((s) => s.done)), graceMs);
      for (const [, { socket }] of open) socket?.drop("server closing");
      refusals.close();
    },
  };
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** Deno.listen, with an address that cannot be listened on named in the error. */
function listen(hostname: string, port: number): Deno.TcpListener {
  try {
    return Deno.listen({ hostname, port });
  } catch (error) {
    throw new Error(`cannot listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    });
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
