import { TcpWebSocket, type TcpWebSocketOptions } from "./tcp_websocket.ts";
import { acceptValue, indexOfBlankLine, writeAll } from "./_ws_wire.ts";

/** Largest opening request accepted: ours is about 200 bytes. */
export const MAX_UPGRADE_REQUEST_BYTES = 4 * 1024;

/** Options of {@link acceptWebSocket}: those of the server end's {@link TcpWebSocket}. */
export type AcceptWebSocketOptions = Omit<TcpWebSocketOptions, "accepted">;

/**
 * Reads the WebSocket opening request (RFC 6455, section 4.2) from a freshly
 * accepted TCP connection, answers it, and returns the server end of the
 * WebSocket. A request that is not a WebSocket upgrade, is malformed, or
 * exceeds 4 KiB is answered with an HTTP error and rejected with an `Error`
 * saying what was wrong (the caller closes `conn`). This reads with no
 * deadline of its own: the caller closes `conn` when its deadline passes.
 *
 * @example
 * ```ts
 * import { acceptWebSocket } from "./accept_websocket.ts";
 * import { TcpWebSocket } from "./tcp_websocket.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const client = new TcpWebSocket(`ws://127.0.0.1:${listener.addr.port}`);
 * const server = await acceptWebSocket(await listener.accept());
 * server.onmessage = (e) => server.send(e.data as string);
 * await new Promise((resolve) => (client.onopen = resolve));
 * client.send("ping?");
 * const echo = await new Promise<MessageEvent>((resolve) => (client.onmessage = resolve));
 * console.assert(echo.data === "ping?");
 * client.close();
 * await new Promise((resolve) => (server.onclose = resolve));
 * listener.close();
 * ```
 */
export async function acceptWebSocket(
  conn: Deno.TcpConn,
  options: AcceptWebSocketOptions = {},
): Promise<TcpWebSocket> {
  const buffer = new Uint8Array(MAX_UPGRADE_REQUEST_BYTES);
  let end = 0, headerEnd = -1;
  while (headerEnd < 0) {
    if (end === buffer.length) {
      await answer(conn, 431, "request too large");
      throw new Error(`opening request over ${buffer.length} bytes`);
    }
    const n = await conn.read(buffer.subarray(end));
    if (n === null) throw new Error("connection closed during the opening request");
    end += n;
    headerEnd = indexOfBlankLine(buffer, end);
  }
  const lines = new TextDecoder().decode(buffer.subarray(0, headerEnd)).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  const has = (name: string, token: string) =>
    (headers.get(name) ?? "").toLowerCase().split(",").some((t) => t.trim() === token);
  if (!/^GET \S+ HTTP\/1\.1$/.test(lines[0] ?? "")) {
    await answer(conn, 400, "bad request");
    throw new Error("not an HTTP/1.1 GET request");
  }
  if (!has("upgrade", "websocket") || !has("connection", "upgrade")) {
    await answer(conn, 426, "webgnn RPC: WebSocket only");
    throw new Error("HTTP request without a WebSocket upgrade");
  }
  const key = headers.get("sec-websocket-key") ?? "";
  if (headers.get("sec-websocket-version") !== "13" || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    await answer(conn, 400, "WebSocket version 13 with a 16-byte key only");
    throw new Error("WebSocket upgrade without version 13 and a valid key");
  }
  const response = [
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Accept: ${await acceptValue(key)}`,
    "",
    "",
  ].join("\r\n");
  await writeAll(conn, new TextEncoder().encode(response));
  const early = buffer.slice(headerEnd + 4, end);
  const remote = conn.remoteAddr;
  return new TcpWebSocket(`ws://${remote.hostname}:${remote.port}`, {
    ...options,
    accepted: { conn, early },
  });
}

/** Writes a short HTTP error response, ignoring a peer that is gone. */
async function answer(conn: Deno.Conn, status: number, text: string): Promise<void> {
  const body = `${text}\n`;
  const head = `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  await writeAll(conn, new TextEncoder().encode(head + body)).catch(() => {});
}
