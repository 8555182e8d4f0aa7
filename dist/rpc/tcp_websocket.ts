import { applyMask, type FrameEvent, FrameParser, OP } from "./frame_parser.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_HANDSHAKE_BYTES = 16 * 1024;
/** How long a close waits for the server's close frame before dropping the connection. */
const CLOSE_WAIT_MS = 2_000;

/**
 * A WebSocket client (RFC 6455, `ws://` only) on a TCP connection with
 * Nagle's algorithm off, with the part of the `WebSocket` API the RPC
 * transport uses. Deno's own client leaves Nagle on, and writes a frame of
 * more than 1 KiB as header then payload: the payload waits for the ACK of
 * the header, which the server delays by 40 ms, so every such request took
 * 44 ms on loopback (a sampling hop, a feature lookup, a ring chunk).
 *
 * Messages arrive whole (fragments joined, by the socket-free
 * {@link FrameParser}) as `ArrayBuffer` or string; pings are answered; a
 * message over `maxMessageBytes` or a malformed frame closes the connection
 * (1009 / 1002). Writes are queued in order;
 * `bufferedAmount` counts the bytes not yet written.
 *
 * @example
 * ```ts
 * import { TcpWebSocket } from "./tcp_websocket.ts";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   socket.onmessage = (e) => socket.send(e.data);
 *   return response;
 * });
 * const ws = new TcpWebSocket(`ws://127.0.0.1:${server.addr.port}`);
 * await new Promise((resolve) => (ws.onopen = resolve));
 * ws.send(new Uint8Array(5000));
 * const echo = await new Promise<MessageEvent>((resolve) => (ws.onmessage = resolve));
 * console.log((echo.data as ArrayBuffer).byteLength); // 5000
 * ws.close();
 * await new Promise((resolve) => (ws.onclose = resolve));
 * await server.shutdown();
 * ```
 */
export class TcpWebSocket {
  readonly url: string;
  /** Only `"arraybuffer"` is supported (the RPC transport's choice). */
  binaryType: BinaryType = "arraybuffer";
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent<ArrayBuffer | string>) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  readonly #parser: FrameParser;
  #state: number = WebSocket.CONNECTING;
  #conn: Deno.TcpConn | undefined;
  #writes: Promise<void> = Promise.resolve();
  #buffered = 0;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborts a connection attempt still under way (a host that never answers). */
  readonly #connecting = new AbortController();

  constructor(url: string, options: { maxMessageBytes?: number } = {}) {
    this.url = url;
    this.#parser = new FrameParser(options.maxMessageBytes ?? 64 * 1024 * 1024);
    const parsed = new URL(url);
    if (parsed.protocol !== "ws:") {
      throw new TypeError(`TcpWebSocket needs a ws:// URL, got ${url}`);
    }
    this.#run(parsed);
  }

  get readyState(): number {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.#buffered;
  }

  send(data: Uint8Array | string): void {
    if (this.#state === WebSocket.CONNECTING) {
      throw new DOMException("the WebSocket is still connecting", "InvalidStateError");
    }
    if (this.#state !== WebSocket.OPEN) return; // as the WebSocket API: dropped once closing
    const payload = typeof data === "string" ? new TextEncoder().encode(data) : data;
    this.#write(encodeFrame(typeof data === "string" ? OP.text : OP.binary, payload));
  }

  /** Starts the closing handshake (or abandons a connection still opening). */
  close(code = 1000, reason = ""): void {
    if (this.#state >= WebSocket.CLOSING) return;
    if (this.#state === WebSocket.CONNECTING) {
      this.#finish(1006, "closed before opening", false);
      return;
    }
    this.#state = WebSocket.CLOSING;
    this.#write(encodeFrame(OP.close, closePayload(code, reason)));
    this.#closeTimer = setTimeout(() => this.#finish(code, reason, false), CLOSE_WAIT_MS);
  }

  async #run(url: URL): Promise<void> {
    try {
      const conn = await Deno.connect({
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(url.port || 80),
        signal: this.#connecting.signal,
      });
      if (this.#state !== WebSocket.CONNECTING) {
        conn.close();
        return;
      }
      this.#conn = conn;
      conn.setNoDelay(true);
      const early = await this.#handshake(url);
      this.#state = WebSocket.OPEN;
      this.onopen?.(new Event("open"));
      // As the WebSocket API, messages come in tasks after the open event's:
      // what its handler started (an awaited open, say) runs first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await this.#readMessages(early);
    } catch (error) {
      if (this.#state >= WebSocket.CLOSED) return;
      this.onerror?.(new ErrorEvent("error", { error, message: String(error) }));
      this.#finish(1006, error instanceof Error ? error.message : String(error), false);
    }
  }

  /** Upgrades the connection; returns the frame bytes that came with the response. */
  async #handshake(url: URL): Promise<Uint8Array> {
    const key = toBase64(crypto.getRandomValues(new Uint8Array(16)));
    const request = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      "",
      "",
    ].join("\r\n");
    await writeAll(this.#conn!, new TextEncoder().encode(request));
    const buffer = new Uint8Array(MAX_HANDSHAKE_BYTES);
    let end = 0, headerEnd = -1;
    while (headerEnd < 0) {
      if (end === buffer.length) throw new Error("handshake response too long");
      const n = await this.#conn!.read(buffer.subarray(end));
      if (n === null) throw new Error("connection closed by the server during the handshake");
      end += n;
      headerEnd = indexOfBlankLine(buffer, end);
    }
    const lines = new TextDecoder().decode(buffer.subarray(0, headerEnd)).split("\r\n");
    if (!/^HTTP\/1\.1 101\b/.test(lines[0] ?? "")) {
      throw new Error(`handshake refused: ${lines[0]}`);
    }
    const accept = lines.find((l) => /^sec-websocket-accept:/i.test(l))?.split(":")[1]?.trim();
    const want = toBase64(
      new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + GUID))),
    );
    if (accept !== want) throw new Error("handshake: wrong Sec-WebSocket-Accept");
    return buffer.subarray(headerEnd + 4, end);
  }

  /** Reads frames until the connection ends; `early` are bytes received with the handshake. */
  async #readMessages(early: Uint8Array): Promise<void> {
    if (this.#handle(this.#parser.feed(early))) return;
    for (;;) {
      const n = await this.#conn!.read(this.#parser.space());
      if (n === null) {
        throw new Error(
          this.#parser.inFrame
            ? "connection closed by the server inside a frame"
            : "connection closed by the server without a close frame",
        );
      }
      if (this.#handle(this.#parser.wrote(n))) return;
    }
  }

  /** Acts on the parser's events; true once the connection is closing. */
  #handle(events: readonly FrameEvent[]): boolean {
    for (const e of events) {
      if (e.kind === "ping") this.#write(encodeFrame(OP.pong, e.body));
      else if (e.kind === "close") return (this.#closedByServer(e.body), true);
      else if (e.kind === "error") return (this.#failWith(e.code, e.reason), true);
      // As the WebSocket API: messages still arrive while our close is under way.
      else if (this.#state < WebSocket.CLOSED) {
        this.onmessage?.(new MessageEvent("message", { data: e.data }));
      }
    }
    return false;
  }

  #closedByServer(body: Uint8Array): void {
    const code = body.length >= 2 ? (body[0]! << 8) | body[1]! : 1005;
    const reason = new TextDecoder().decode(body.subarray(2));
    if (this.#state === WebSocket.OPEN) {
      this.#state = WebSocket.CLOSING;
      this.#write(encodeFrame(OP.close, body.subarray(0, 2)));
    }
    this.#writes.finally(() => this.#finish(code, reason, true));
  }

  #failWith(code: number, reason: string): void {
    this.#state = WebSocket.CLOSING;
    this.#write(encodeFrame(OP.close, closePayload(code, reason)));
    this.onerror?.(new ErrorEvent("error", { message: reason }));
    this.#writes.finally(() => this.#finish(code, reason, false));
  }

  #write(frame: Uint8Array): void {
    this.#buffered += frame.length;
    this.#writes = this.#writes.then(async () => {
      try {
        if (this.#state !== WebSocket.CLOSED) await writeAll(this.#conn!, frame);
      } catch (error) {
        if (this.#state < WebSocket.CLOSED) {
          this.onerror?.(new ErrorEvent("error", { error, message: String(error) }));
          this.#finish(1006, `write failed: ${error}`, false);
        }
      } finally {
        this.#buffered -= frame.length;
      }
    });
  }

  #finish(code: number, reason: string, wasClean: boolean): void {
    if (this.#state === WebSocket.CLOSED) return;
    this.#state = WebSocket.CLOSED;
    clearTimeout(this.#closeTimer);
    if (!this.#conn) this.#connecting.abort();
    try {
      this.#conn?.close();
    } catch {
      // already closed
    }
    this.onclose?.(new CloseEvent("close", { code, reason, wasClean }));
  }
}

/** A client frame: FIN, `opcode`, a fresh random mask, the masked payload. */
function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const header = 2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + 4;
  // Room in front so that the payload starts 4-byte aligned for word-wise masking.
  const pad = (4 - header % 4) % 4;
  const buffer = new Uint8Array(pad + header + n);
  const frame = buffer.subarray(pad);
  const view = new DataView(buffer.buffer, pad);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = 0x80 | n;
  else if (n < 65536) (frame[1] = 0x80 | 126), view.setUint16(2, n);
  else (frame[1] = 0x80 | 127), view.setBigUint64(2, BigInt(n));
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, header - 4);
  frame.set(payload, header);
  applyMask(frame.subarray(header), mask);
  return frame;
}

function closePayload(code: number, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason).subarray(0, 123);
  const body = new Uint8Array(2 + text.length);
  body[0] = code >> 8;
  body[1] = code & 0xff;
  body.set(text, 2);
  return body;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/** Where "\r\n\r\n" starts in `bytes[0, end)`, or -1. */
function indexOfBlankLine(bytes: Uint8Array, end: number): number {
  for (let i = 0; i + 3 < end; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}
