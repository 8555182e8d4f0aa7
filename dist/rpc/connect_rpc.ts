import { ConnectError } from "./connect_error.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./message_codec.ts";
import { MAX_HANDSHAKE_MESSAGE_BYTES } from "./messages.ts";
import { RpcClient, type RpcClientOptions } from "./rpc_client.ts";
import { TcpWebSocket } from "./tcp_websocket.ts";
import { WebSocketTransport } from "./websocket_transport.ts";

/**
 * Options of {@link connectRpc}.
 *
 * @example
 * ```ts
 * import type { ConnectRpcOptions } from "./connect_rpc.ts";
 * // Rank 3 may start before rank 0's server is up: keep trying for 30 s.
 * const options: ConnectRpcOptions = {
 *   secret: new TextEncoder().encode("a shared secret"), name: "rank 3", connectDeadlineMs: 30_000,
 * };
 * ```
 */
export interface ConnectRpcOptions extends RpcClientOptions {
  /**
   * Keep retrying, with exponential backoff, for this long if the server is
   * not up yet; default 0 (one attempt). Start-up order then does not matter.
   */
  readonly connectDeadlineMs?: number;
}

/**
 * Opens a WebSocket; resolves once open, rejects (after it closed) if it
 * fails. `ws://` goes through `TcpWebSocket` (Nagle off: Deno's client
 * stalls requests over 1 KiB for 40 ms), `wss://` through Deno's client.
 */
function openSocket(url: string, timeoutMs: number): Promise<WebSocket | TcpWebSocket> {
  // Until the server has proved the secret, it may send no more than the handshake needs.
  const socket = url.startsWith("ws:")
    ? new TcpWebSocket(url, { maxMessageBytes: MAX_HANDSHAKE_MESSAGE_BYTES })
    : new WebSocket(url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => socket.close(), Math.max(1, timeoutMs));
    socket.onopen = () => {
      clearTimeout(timer);
      socket.onopen = socket.onclose = socket.onerror = null;
      resolve(socket);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      clearTimeout(timer);
      reject(new Error(`WebSocket closed before opening (code ${event.code})`));
    };
  });
}

/**
 * Connects to the RPC server at `url` (`ws://host:port`) and authenticates.
 * Until the server has authenticated, frames over 1 KiB from it are refused
 * on their header (`MAX_HANDSHAKE_MESSAGE_BYTES`), as the server refuses
 * them from a client. Unreachable servers are retried with exponential backoff (50 ms doubling
 * to 1 s) until `connectDeadlineMs`, then `ConnectError` names the address.
 * An `AuthError` is not retried: a wrong secret does not fix itself.
 *
 * @example
 * ```ts
 * import { connectRpc } from "./connect_rpc.ts";
 * import { ConnectError } from "./connect_error.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./message_codec.ts";
import { MAX_HANDSHAKE_MESSAGE_BYTES } from "./messages.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const error = await connectRpc("ws://127.0.0.1:1", { secret }).catch((e) => e);
 * console.assert(error instanceof ConnectError);
 * ```
 */
export async function connectRpc(url: string, options: ConnectRpcOptions): Promise<RpcClient> {
  const parsed = new URL(url);
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new TypeError(`RPC address must be ws:// or wss://, got ${url}`);
  }
  const deadlineMs = options.connectDeadlineMs ?? 0;
  if (!Number.isFinite(deadlineMs) || deadlineMs < 0) {
    throw new RangeError(`connectDeadlineMs must be >= 0, got ${deadlineMs}`);
  }
  const deadline = Date.now() + deadlineMs;
  let attempts = 0;
  let backoffMs = 50;
  let lastError: unknown = null;
  do {
    attempts++;
    const remaining = deadline - Date.now();
    try {
      const socket = await openSocket(url, Math.max(remaining, 2_000));
      const client = await RpcClient.open(new WebSocketTransport(socket, url), options);
      if (socket instanceof TcpWebSocket) {
        socket.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
      }
      return client;
    } catch (error) {
      // A wrong secret or a bad option does not fix itself: only the network is retried.
      if (!(error instanceof Error) || error.name === "AuthError" || error instanceof RangeError) {
        throw error;
      }
      lastError = error;
    }
    const wait = Math.min(backoffMs * (0.75 + Math.random() * 0.5), deadline - Date.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    backoffMs = Math.min(backoffMs * 2, 1_000);
  } while (Date.now() < deadline);
  throw new ConnectError(url, deadlineMs, attempts, { cause: lastError });
}
