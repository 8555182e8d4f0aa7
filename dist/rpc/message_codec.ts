import { Packr } from "npm:msgpackr@2.1.3";
import { type Message, messageSchema, PROTOCOL_VERSION } from "./messages.ts";
import { ProtocolError } from "./protocol_error.ts";
import { alignTypedArrays } from "./_align.ts";

/**
 * Default cap on one encoded message: 64 MiB (also the WebSocket frame cap).
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_MESSAGE_BYTES, MessageCodec } from "./message_codec.ts";
 * console.assert(new MessageCodec().maxMessageBytes === DEFAULT_MAX_MESSAGE_BYTES);
 * ```
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Turns {@link Message}s into msgpack frames and back. Typed arrays (every
 * kind from `Int8Array` to `BigUint64Array`) travel as binary and arrive as
 * fresh, aligned arrays that own their memory. The size limit is checked
 * before decoding; anything that is not a valid message of this protocol
 * version is a {@link ProtocolError}.
 *
 * @example
 * ```ts
 * import { MessageCodec } from "./message_codec.ts";
 * import { PROTOCOL_VERSION } from "./messages.ts";
 * const codec = new MessageCodec({ maxMessageBytes: 1 << 20 });
 * const frame = codec.encode({
 *   v: PROTOCOL_VERSION, kind: "response", id: 7, payload: new Float32Array([1.5, 2]),
 * });
 * const back = codec.decode(frame);
 * console.assert(back.kind === "response" && back.payload instanceof Float32Array);
 * ```
 */
export class MessageCodec {
  /** Largest frame accepted or produced, in bytes. */
  readonly maxMessageBytes: number;
  readonly #packr = new Packr({ moreTypes: true, useRecords: false });

  /**
   * `options.maxMessageBytes` defaults to `DEFAULT_MAX_MESSAGE_BYTES`; throws `RangeError` below
   * 64.
   */
  constructor(options: { maxMessageBytes?: number } = {}) {
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isInteger(max) || max < 64) {
      throw new RangeError(
        `maxMessageBytes must be an integer >= 64, got ${max}`,
      );
    }
    this.maxMessageBytes = max;
  }

  /**
   * Encodes a message. Throws `RangeError` if the frame would exceed the
   * limit, so an oversized call fails at the caller instead of at the peer.
   */
  encode(message: Message): Uint8Array {
    const frame = this.#packr.pack(message);
    if (frame.byteLength > this.maxMessageBytes) {
      throw new RangeError(
        `message of ${frame.byteLength} bytes exceeds the ${this.maxMessageBytes} byte limit`,
      );
    }
    return frame;
  }

  /** Decodes and validates one frame; throws {@link ProtocolError}. */
  decode(frame: Uint8Array | string): Message {
    if (typeof frame === "string") {
      throw new ProtocolError("text frame received; this protocol is binary");
    }
    if (frame.byteLength > this.maxMessageBytes) {
      throw new ProtocolError(
        `frame of ${frame.byteLength} bytes exceeds the ${this.maxMessageBytes} byte limit`,
      );
    }
    let raw: unknown;
    try {
      raw = this.#packr.unpack(frame);
    } catch (cause) {
      throw new ProtocolError(
        `undecodable frame of ${frame.byteLength} bytes: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (typeof raw !== "object" || raw === null || !("v" in raw)) {
      throw new ProtocolError("frame is not a protocol message");
    }
    if (raw.v !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        `unsupported protocol version ${String(raw.v)} (this peer speaks ${PROTOCOL_VERSION})`,
      );
    }
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ProtocolError(
        `invalid message: ${parsed.error.issues[0]?.message ?? "schema mismatch"}`,
        { cause: parsed.error },
      );
    }
    const message = parsed.data;
    if ("payload" in message) {
      message.payload = alignTypedArrays(message.payload);
    }
    if ("data" in message) message.data = alignTypedArrays(message.data);
    return message;
  }
}
