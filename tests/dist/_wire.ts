// Raw WebSocket bytes for tests that speak the wire by hand: an opening
// request over a plain TCP connection, and frames with any header at all.
import { applyMask, type FrameEvent, FrameParser } from "../../dist/rpc/frame_parser.ts";
import { MessageCodec } from "../../dist/rpc/message_codec.ts";
import { type Message, PROTOCOL_VERSION } from "../../dist/rpc/messages.ts";
import { importSecret, nonce, prove } from "../../dist/rpc/_hmac.ts";

/** Options of {@link frame}. */
export interface FrameOptions {
  readonly fin?: boolean;
  /** Mask the payload (a client must); default true. */
  readonly mask?: boolean;
  /** The length the header claims, if not the payload's. */
  readonly claim?: number;
  /** Reserved bits (0..7) set in the first byte. */
  readonly rsv?: number;
}

/** One frame as a client would send it, or as a broken client might. */
export function frame(op: number, payload: Uint8Array, options: FrameOptions = {}): Uint8Array {
  const n = options.claim ?? payload.length;
  const extra = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const masked = options.mask ?? true;
  const out = new Uint8Array(2 + extra + (masked ? 4 : 0) + payload.length);
  const view = new DataView(out.buffer);
  out[0] = (options.fin === false ? 0 : 0x80) | ((options.rsv ?? 0) << 4) | op;
  const m = masked ? 0x80 : 0;
  if (n < 126) out[1] = m | n;
  else if (n < 65536) (out[1] = m | 126), view.setUint16(2, n);
  else (out[1] = m | 127), view.setBigUint64(2, BigInt(n));
  let at = 2 + extra;
  const mask = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
  if (masked) out.set(mask, at), (at += 4);
  const body = new Uint8Array(payload); // a copy even of a Buffer, whose slice() is a view
  if (masked) applyMask(body, mask);
  out.set(body, at);
  return out;
}

/** A WebSocket opening request for `host`. */
export function upgradeRequest(host: string): Uint8Array {
  return new TextEncoder().encode(
    [
      "GET / HTTP/1.1",
      `Host: ${host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      "",
      "",
    ].join("\r\n"),
  );
}

/** Writes all of `bytes`; false if the peer is gone. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<boolean> {
  try {
    for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
    return true;
  } catch {
    return false;
  }
}

/** What a {@link RawWire} got next. */
export type WireEvent =
  | { readonly kind: "message"; readonly message: Message }
  | { readonly kind: "undecodable"; readonly error: string }
  | { readonly kind: "closed" }
  | { readonly kind: "timeout" };

/**
 * A client that speaks the wire by hand over TCP: it sends any bytes at all,
 * and reads the server's frames as messages, until the server closes.
 */
export class RawWire {
  readonly conn: Deno.TcpConn;
  readonly #parser = new FrameParser(64 * 1024 * 1024);
  readonly #codec = new MessageCodec();
  readonly #events: WireEvent[] = [];
  #wake: (() => void) | null = null;
  #closed = false;
  readonly #reading: Promise<void>;

  private constructor(conn: Deno.TcpConn, early: Uint8Array) {
    this.conn = conn;
    this.#reading = this.#read(early);
  }

  /** Connects; with `upgrade`, sends the opening request and waits for the 101 (throws otherwise). */
  static async open(hostname: string, port: number, upgrade = true): Promise<RawWire> {
    const conn = await Deno.connect({ hostname, port });
    if (!upgrade) return new RawWire(conn, new Uint8Array());
    await writeAll(conn, upgradeRequest(`${hostname}:${port}`));
    const buffer = new Uint8Array(4096);
    let end = 0;
    for (;;) {
      const n = await conn.read(buffer.subarray(end));
      if (n === null) throw new Error("closed during the opening handshake");
      end += n;
      const text = new TextDecoder().decode(buffer.subarray(0, end));
      const at = text.indexOf("\r\n\r\n");
      if (at < 0) continue;
      if (!text.startsWith("HTTP/1.1 101")) throw new Error(text.split("\r\n")[0]);
      return new RawWire(conn, buffer.slice(at + 4, end));
    }
  }

  /** Whether the server has closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends raw bytes; false if the connection is gone. */
  send(bytes: Uint8Array): Promise<boolean> {
    return writeAll(this.conn, bytes);
  }

  /** Sends one message in one masked binary frame. */
  sendMessage(message: Message): Promise<boolean> {
    return this.send(frame(2, this.#codec.encode(message)));
  }

  /** The next message, or the close, waiting at most `ms`. */
  async next(ms: number): Promise<WireEvent> {
    const deadline = Date.now() + ms;
    while (this.#events.length === 0) {
      if (this.#closed) return { kind: "closed" };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: "timeout" };
      const woke = Promise.withResolvers<void>();
      this.#wake = woke.resolve;
      const timer = setTimeout(woke.resolve, left);
      await woke.promise;
      clearTimeout(timer);
    }
    return this.#events.shift()!;
  }

  /** Answers the challenge (which must come first) and waits for the welcome. */
  async authenticate(secret: Uint8Array, name = "raw"): Promise<void> {
    const challenge = await this.next(3000);
    if (challenge.kind !== "message" || challenge.message.kind !== "challenge") {
      throw new Error(`expected a challenge, got ${JSON.stringify(challenge)}`);
    }
    const ours = nonce();
    const mac = await prove(await importSecret(secret), "client", challenge.message.nonce, ours);
    await this.sendMessage({ v: PROTOCOL_VERSION, kind: "auth", peer: name, nonce: ours, mac });
    const welcome = await this.next(3000);
    if (welcome.kind !== "message" || welcome.message.kind !== "welcome") {
      throw new Error(`expected a welcome, got ${JSON.stringify(welcome)}`);
    }
  }

  /** Closes the connection and waits for the reading loop to end. */
  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // closed already
    }
    await this.#reading;
  }

  async #read(early: Uint8Array): Promise<void> {
    try {
      if (this.#take(this.#parser.feed(early))) return;
      for (;;) {
        const n = await this.conn.read(this.#parser.space());
        if (n === null || this.#take(this.#parser.wrote(n))) return;
      }
    } catch {
      // reset, or closed by us
    } finally {
      this.#closed = true;
      this.#wake?.();
    }
  }

  /** Queues what the server sent; true once it closed. */
  #take(events: FrameEvent[]): boolean {
    for (const e of events) {
      if (e.kind === "close" || e.kind === "error") return true;
      if (e.kind !== "message") continue;
      try {
        const data = typeof e.data === "string" ? e.data : new Uint8Array(e.data);
        this.#events.push({ kind: "message", message: this.#codec.decode(data) });
      } catch (error) {
        this.#events.push({ kind: "undecodable", error: String(error) });
      }
    }
    this.#wake?.();
    return false;
  }
}
