/** The WebSocket opcodes (RFC 6455, section 5.2). */
export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** What a run of received bytes completed, in order. */
export type FrameEvent =
  /** A whole message, its fragments joined: text as a string, binary as its own `ArrayBuffer`. */
  | { readonly kind: "message"; readonly data: ArrayBuffer | string }
  /** A ping, to be answered with a pong carrying `body`. */
  | { readonly kind: "ping"; readonly body: Uint8Array }
  /** A pong (nothing to do, unless the connection accepts no control frames yet). */
  | { readonly kind: "pong" }
  /** The peer's close frame (`body`: code and reason); nothing follows. */
  | { readonly kind: "close"; readonly body: Uint8Array }
  /** The stream broke the protocol (1002) or a message was too large (1009); nothing follows. */
  | { readonly kind: "error"; readonly code: 1002 | 1009; readonly reason: string };

const READ_CHUNK = 64 * 1024;
/**
 * What each frame of a fragmented message counts against the limit besides
 * its payload: without it, empty fragments would pile up without bound.
 */
const FRAGMENT_COST = 64;

/** Options of {@link FrameParser}. */
export interface FrameParserOptions {
  /** Fail unmasked frames (RFC 6455: a server must; clients always mask). */
  readonly requireMask?: boolean;
}

/** The frame whose payload is being received. */
interface Frame {
  readonly op: number;
  readonly fin: boolean;
  /** The mask, or null; its bytes are removed as the payload arrives. */
  readonly mask: Uint8Array | null;
  readonly payload: Uint8Array<ArrayBuffer>;
  filled: number;
}

/**
 * The receiving half of a WebSocket connection as a pure parser, with no
 * socket: bytes go in, events come out. The caller reads from its socket into
 * {@link space} and reports how many bytes it got with {@link wrote}; a
 * large payload's space is the payload's own array, so its bytes are read
 * in place and copied once at most. {@link feed} does both for bytes already
 * at hand. Fragments are joined, masks removed as the bytes arrive (so no
 * pass over a whole large payload is left for the end), opcodes, reserved
 * bits and control frames checked, and a message over `maxMessageBytes`
 * fails on its frame header, before its payload is allocated or received;
 * each fragment counts 64 bytes more than its payload. The limit can be
 * changed between messages (a server raises it once the peer has
 * authenticated). After a `close` or `error` event the parser takes no more.
 *
 * @example
 * ```ts
 * import { FrameParser } from "./frame_parser.ts";
 * const parser = new FrameParser(1024);
 * const [event] = parser.feed(new Uint8Array([0x81, 0x02, 0x68, 0x69])); // FIN, text, "hi"
 * console.assert(event?.kind === "message" && event.data === "hi");
 * ```
 */
export class FrameParser {
  #maxMessageBytes: number;
  readonly #requireMask: boolean;
  #buffer: Uint8Array;
  #start = 0;
  #end = 0;
  #frame: Frame | null = null;
  /** Whether the last `space()` was the current payload itself. */
  #direct = false;
  #parts: Uint8Array<ArrayBuffer>[] = [];
  #size = 0;
  /** `#size` plus {@link FRAGMENT_COST} per fragment: what the limit is checked against. */
  #charged = 0;
  #opcode = 0;
  #done = false;

  constructor(maxMessageBytes: number, options: FrameParserOptions = {}) {
    this.#maxMessageBytes = maxMessageBytes;
    this.#requireMask = options.requireMask ?? false;
    // A small limit needs no large read buffer: the 64 KiB come when it is raised.
    this.#buffer = new Uint8Array(bufferSize(maxMessageBytes));
  }

  /** Largest message accepted, fragments joined; applies from the next frame header on. */
  get maxMessageBytes(): number {
    return this.#maxMessageBytes;
  }

  set maxMessageBytes(n: number) {
    // The read buffer grows in the next space(): a read may be under way into this one.
    this.#maxMessageBytes = n;
  }

  /** True while a frame has begun and not ended (a connection lost now was cut inside it). */
  get inFrame(): boolean {
    return this.#frame !== null || this.#end > this.#start || this.#parts.length > 0;
  }

  /** Where the next received bytes go: read into it, then call {@link wrote}. */
  space(): Uint8Array {
    const frame = this.#frame;
    this.#direct = frame !== null && this.#start === this.#end;
    if (this.#direct) return frame!.payload.subarray(frame!.filled);
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      const size = bufferSize(this.#maxMessageBytes);
      if (this.#buffer.length < size) this.#buffer = new Uint8Array(size);
    }
    if (this.#end === this.#buffer.length) {
      const unread = this.#buffer.subarray(this.#start, this.#end);
      if (this.#start === 0) {
        const grown = new Uint8Array(2 * this.#buffer.length);
        grown.set(unread);
        this.#buffer = grown;
      } else {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      }
      this.#end -= this.#start;
      this.#start = 0;
    }
    return this.#buffer.subarray(this.#end);
  }

  /** Takes the `n` bytes just written into {@link space}; returns the events they complete. */
  wrote(n: number): FrameEvent[] {
    if (this.#direct) {
      const frame = this.#frame!;
      if (frame.mask) unmask(frame.payload, frame.filled, frame.filled + n, frame.mask);
      frame.filled += n;
    } else this.#end += n;
    this.#direct = false;
    return this.#parse();
  }

  /** Takes `bytes` already received; returns the events they complete. */
  feed(bytes: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (let at = 0; at < bytes.length && !this.#done;) {
      const space = this.space();
      const n = Math.min(space.length, bytes.length - at);
      space.set(bytes.subarray(at, at + n));
      at += n;
      events.push(...this.wrote(n));
    }
    return events;
  }

  #parse(): FrameEvent[] {
    const events: FrameEvent[] = [];
    while (!this.#done) {
      const frame = this.#frame;
      if (frame) {
        const take = Math.min(frame.payload.length - frame.filled, this.#end - this.#start);
        frame.payload.set(this.#buffer.subarray(this.#start, this.#start + take), frame.filled);
        if (frame.mask) unmask(frame.payload, frame.filled, frame.filled + take, frame.mask);
        frame.filled += take;
        this.#start += take;
        if (frame.filled < frame.payload.length) break;
        this.#frame = null;
        const event = this.#complete(frame);
        if (event) events.push(event);
        continue;
      }
      const event = this.#header();
      if (event === null) break;
      if (event) events.push(event);
    }
    return events;
  }

  /** Starts the next frame if its header is all here: null if it is not, an event if it fails. */
  #header(): FrameEvent | null | undefined {
    const b = this.#buffer, at = this.#start, have = this.#end - at;
    if (have < 2) return null;
    const masked = (b[at + 1]! & 0x80) !== 0;
    let length = b[at + 1]! & 0x7f;
    const header = (length === 126 ? 4 : length === 127 ? 10 : 2) + (masked ? 4 : 0);
    if (have < header) return null;
    const view = new DataView(b.buffer, b.byteOffset + at);
    if (length === 126) length = view.getUint16(2);
    else if (length === 127) length = Number(view.getBigUint64(2));
    const mask = masked ? b.slice(at + header - 4, at + header) : null;
    const op = b[at]! & 0x0f, fin = (b[at]! & 0x80) !== 0;
    this.#start += header;
    if ((op > OP.binary && op < OP.close) || op > OP.pong) {
      return this.#fail(1002, `reserved opcode ${op}`);
    }
    if ((b[at]! & 0x70) !== 0) return this.#fail(1002, "reserved bits set (no extension agreed)");
    if (!masked && this.#requireMask) return this.#fail(1002, "unmasked frame from a client");
    if (op >= OP.close) {
      if (length > 125 || !fin) return this.#fail(1002, "malformed control frame");
    } else {
      const charge = this.#charged + length + (fin && this.#parts.length === 0 ? 0 : FRAGMENT_COST);
      if (charge > this.#maxMessageBytes) {
        return this.#fail(1009, `message over ${this.#maxMessageBytes} bytes`);
      }
      if ((op === OP.continuation) !== (this.#parts.length > 0)) {
        return this.#fail(1002, "unexpected continuation frame");
      }
    }
    this.#frame = { op, fin, mask, payload: new Uint8Array(length), filled: 0 };
    return undefined;
  }

  /** The event a frame completes, if any. */
  #complete(frame: Frame): FrameEvent | undefined {
    const body = frame.payload;
    if (frame.op === OP.ping) return { kind: "ping", body };
    if (frame.op === OP.pong) return { kind: "pong" };
    if (frame.op === OP.close) {
      this.#done = true;
      return { kind: "close", body };
    }
    if (frame.op !== OP.continuation) this.#opcode = frame.op;
    this.#parts.push(body);
    this.#size += body.length;
    this.#charged += body.length + (frame.fin && this.#parts.length === 1 ? 0 : FRAGMENT_COST);
    if (!frame.fin) return undefined;
    const whole = this.#parts.length === 1 ? this.#parts[0]! : concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = this.#charged = 0;
    const data = this.#opcode === OP.text ? new TextDecoder().decode(whole) : whole.buffer;
    return { kind: "message", data };
  }

  #fail(code: 1002 | 1009, reason: string): FrameEvent {
    this.#done = true;
    return { kind: "error", code, reason };
  }
}

/** Unmasks `payload[from, to)`, whose mask phase is its offset in the payload. */
function unmask(payload: Uint8Array, from: number, to: number, mask: Uint8Array): void {
  if (to <= from) return;
  const phase = from % 4;
  const rotated = phase === 0 ? mask : Uint8Array.from([0, 1, 2, 3], (k) => mask[(k + phase) % 4]!);
  applyMask(payload.subarray(from, to), rotated);
}

/** The read buffer for messages of up to `max` bytes: their frame whole, but at most 64 KiB. */
function bufferSize(max: number): number {
  return Math.min(READ_CHUNK, Math.max(256, 2 ** Math.ceil(Math.log2(max + 14))));
}

/** XORs `data` in place with the repeating 4-byte `mask`, a word at a time where aligned. */
export function applyMask(data: Uint8Array, mask: Uint8Array): void {
  const misaligned = (4 - data.byteOffset % 4) % 4;
  const head = Math.min(misaligned, data.length);
  for (let i = 0; i < head; i++) data[i]! ^= mask[i % 4]!;
  const words = Math.floor((data.length - head) / 4);
  if (words > 0) {
    // The mask rotated to start at `head`, as one little-endian word.
    const m = [0, 1, 2, 3].map((k) => mask[(head + k) % 4]!);
    const word = (m[0]! | (m[1]! << 8) | (m[2]! << 16) | (m[3]! << 24)) | 0;
    const w = new Int32Array(data.buffer, data.byteOffset + head, words);
    for (let i = 0; i < words; i++) w[i]! ^= word;
  }
  for (let i = head + 4 * words; i < data.length; i++) data[i]! ^= mask[i % 4]!;
}

function concat(parts: Uint8Array<ArrayBuffer>[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
