import { type FrameEvent, FrameParser, OP } from "./frame_parser.ts";
import {
  acceptValue,
  closePayload,
  encodeFrame,
  indexOfBlankLine,
  toBase64,
  writeAll,
} from "./_ws_wire.ts";

const MAX_HANDSHAKE_BYTES = 16 * 1024;
/** How long a close waits for the peer's close frame before dropping the connection. */
const CLOSE_WAIT_MS = 2_000;
/** How long a close that does not wait for the peer's answer waits for its own frame to go. */
const QUICK_CLOSE_MS = 500;
/** Pings go unanswered while this much is queued: a peer that pings and never reads gains nothing. */
const MAX_PONG_BACKLOG = 1 << 20;

/** Options of {@link TcpWebSocket}. */
export interface TcpWebSocketOptions {
  /** Largest message accepted, fragments joined; default 64 MiB. See `maxMessageBytes`. */
  readonly maxMessageBytes?: number;
  /**
   * Makes this the server end of `conn`, whose opening handshake is done
   * (see `acceptWebSocket`); `early` holds the frame bytes that came with
   * the request. Frames then go unmasked and unmasked ones are refused.
   */
  readonly accepted?: { readonly conn: Deno.TcpConn; readonly early: Uint8Array };
  /** Starts with {@link TcpWebSocket.handshakeOnly} set. */
  readonly handshakeOnly?: boolean;
}

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
 * (1009 / 1002), refused on the frame's header before its payload is
 * received. Writes are queued in order; `bufferedAmount` counts the bytes
 * not yet written.
 *
 * With `accepted` it is the server end of a connection `acceptWebSocket`
 * upgraded. A server sets {@link handshakeOnly} and a small
 * {@link maxMessageBytes} until the peer has authenticated, and
 * {@link drop}s a connection that overstays its deadline.
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
  /**
   * While set, only binary and close frames are accepted (a ping, pong or
   * text frame fails the connection with 1008), and a close does not wait for
   * the peer's answer: for a server before its peer has authenticated.
   */
  handshakeOnly: boolean;
  readonly #parser: FrameParser;
  /** Masks what it sends: true for the client end. */
  readonly #masked: boolean;
  /** What the other end is, in errors. */
  readonly #peerRole: string;
  #state: number = WebSocket.CONNECTING;
  #conn: Deno.TcpConn | undefined;
  #writes: Promise<void> = Promise.resolve();
  #buffered = 0;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborts a connection attempt still under way (a host that never answers). */
  readonly #connecting = new AbortController();

  constructor(url: string, options: TcpWebSocketOptions = {}) {
    this.url = url;
    const accepted = options.accepted;
    this.#masked = accepted === undefined;
    this.#peerRole = accepted ? "client" : "server";
    this.handshakeOnly = options.handshakeOnly ?? false;
    this.#parser = new FrameParser(options.maxMessageBytes ?? 64 * 1024 * 1024, {
      requireMask: !this.#masked,
    });
    if (accepted) {
      this.#conn = accepted.conn;
      this.#state = WebSocket.OPEN;
      this.#serve(accepted.early);
      return;
    }
    const parsed = new URL(url);
    if (parsed.protocol !== "ws:") {
      throw new TypeError(`TcpWebSocket needs a ws:// URL, got ${url}`);
    }
    this.#run(parsed);
  }

  /** Largest message accepted; a change applies from the next frame on. */
  get maxMessageBytes(): number {
    return this.#parser.maxMessageBytes;
  }

  set maxMessageBytes(n: number) {
    this.#parser.maxMessageBytes = n;
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
    this.#write(this.#frame(typeof data === "string" ? OP.text : OP.binary, payload));
  }

  /** Starts the closing handshake (or abandons a connection still opening). */
  close(code = 1000, reason = ""): void {
    if (this.#state >= WebSocket.CLOSING) return;
    if (this.#state === WebSocket.CONNECTING) {
      this.#finish(1006, "closed before opening", false);
      return;
    }
    this.#state = WebSocket.CLOSING;
    this.#write(this.#frame(OP.close, closePayload(code, reason)));
    if (this.handshakeOnly) this.#writes.finally(() => this.#finish(code, reason, false));
    const waitMs = this.handshakeOnly ? QUICK_CLOSE_MS : CLOSE_WAIT_MS;
    clearTimeout(this.#closeTimer);
    this.#closeTimer = setTimeout(() => this.#finish(code, reason, false), waitMs);
  }

  /** Closes the TCP connection at once, with no closing handshake (close code 1006). */
  drop(reason: string): void {
    this.#finish(1006, reason, false);
  }

  /** The server end: reads frames until the connection ends. */
  async #serve(early: Uint8Array): Promise<void> {
    try {
      // As the WebSocket API, messages come in later tasks: the handlers are set by then.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await this.#readMessages(early);
    } catch (error) {
      if (this.#state >= WebSocket.CLOSED) return;
      this.onerror?.(new ErrorEvent("error", { error, message: String(error) }));
      this.#finish(1006, error instanceof Error ? error.message : String(error), false);
    }
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
    if (accept !== await acceptValue(key)) throw new Error("handshake: wrong Sec-WebSocket-Accept");
    return buffer.subarray(headerEnd + 4, end);
  }

  /** Reads frames until the connection ends; `early` are bytes received with the handshake. */
  async #readMessages(early: Uint8Array): Promise<void> {
    if (this.#handle(this.#parser.feed(early))) return;
    for (;;) {
      const n = await this.#conn!.read(this.#parser.space());
      if (this.#state === WebSocket.CLOSED) return;
      if (n === null) {
        throw new Error(
          this.#parser.inFrame
            ? `connection closed by the ${this.#peerRole} inside a frame`
            : `connection closed by the ${this.#peerRole} without a close frame`,
        );
      }
      if (this.#handle(this.#parser.wrote(n))) return;
    }
  }

  /** Acts on the parser's events; true once the connection is closing. */
  #handle(events: readonly FrameEvent[]): boolean {
    for (const e of events) {
      if (e.kind === "close") return (this.#closedByPeer(e.body), true);
      if (e.kind === "error") return (this.#failWith(e.code, e.reason), true);
      if (this.handshakeOnly && (e.kind !== "message" || typeof e.data === "string")) {
        const what = e.kind === "message" ? "text frame" : e.kind;
        return (this.#failWith(1008, `${what} before authentication`), true);
      }
      if (e.kind === "ping") {
        if (this.#buffered < MAX_PONG_BACKLOG) this.#write(this.#frame(OP.pong, e.body));
      } else if (e.kind === "pong") continue;
      // As the WebSocket API: messages still arrive while our close is under way.
      else if (this.#state < WebSocket.CLOSED) {
        this.onmessage?.(new MessageEvent("message", { data: e.data }));
      }
    }
    return false;
  }

  #closedByPeer(body: Uint8Array): void {
    const code = body.length >= 2 ? (body[0]! << 8) | body[1]! : 1005;
    const reason = new TextDecoder().decode(body.subarray(2));
    if (this.#state === WebSocket.OPEN) {
      this.#state = WebSocket.CLOSING;
      this.#write(this.#frame(OP.close, body.subarray(0, 2)));
    }
    this.#writes.finally(() => this.#finish(code, reason, true));
  }

  #failWith(code: number, reason: string): void {
    this.#state = WebSocket.CLOSING;
    this.#write(this.#frame(OP.close, closePayload(code, reason)));
    this.onerror?.(new ErrorEvent("error", { message: reason }));
    // What a peer that authenticated still sends is read and dropped, so that it
    // gets the close frame rather than a reset, until it closes or the timer
    // below; a peer that has not is cut off as soon as the frame is written.
    const drained = this.handshakeOnly ? this.#writes : this.#writes.finally(() => this.#drain());
    drained.finally(() => this.#finish(code, reason, false));
    // A peer that does not read, or goes on sending, must not hold the connection open.
    clearTimeout(this.#closeTimer);
    this.#closeTimer = setTimeout(() => this.#finish(code, reason, false), QUICK_CLOSE_MS);
  }

  async #drain(): Promise<void> {
    const scratch = new Uint8Array(16 * 1024);
    try {
      while (this.#state !== WebSocket.CLOSED && await this.#conn!.read(scratch) !== null);
    } catch {
      // closed by the timer
    }
  }

  #frame(opcode: number, payload: Uint8Array): Uint8Array {
    return encodeFrame(opcode, payload, this.#masked);
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
