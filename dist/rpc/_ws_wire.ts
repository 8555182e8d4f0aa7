import { applyMask } from "./frame_parser.ts";

/** The GUID of RFC 6455's opening handshake. Private helpers of the WebSocket ends. */
export const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * One unfragmented frame: FIN, `opcode`, the payload. A client's frame
 * (`masked`) carries a fresh random mask and its payload masked; a server's
 * goes as it is.
 */
export function encodeFrame(opcode: number, payload: Uint8Array, masked: boolean): Uint8Array {
  const n = payload.length;
  const header = 2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + (masked ? 4 : 0);
  // Room in front so that the payload starts 4-byte aligned for word-wise masking.
  const pad = (4 - header % 4) % 4;
  const buffer = new Uint8Array(pad + header + n);
  const frame = buffer.subarray(pad);
  const view = new DataView(buffer.buffer, pad);
  const m = masked ? 0x80 : 0;
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = m | n;
  else if (n < 65536) (frame[1] = m | 126), view.setUint16(2, n);
  else (frame[1] = m | 127), view.setBigUint64(2, BigInt(n));
  frame.set(payload, header);
  if (masked) {
    const mask = crypto.getRandomValues(new Uint8Array(4));
    frame.set(mask, header - 4);
    applyMask(frame.subarray(header), mask);
  }
  return frame;
}

/** A close frame's body: the code, then the reason cut to fit 125 bytes. */
export function closePayload(code: number, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason).subarray(0, 123);
  const body = new Uint8Array(2 + text.length);
  body[0] = code >> 8;
  body[1] = code & 0xff;
  body.set(text, 2);
  return body;
}

/** Writes all of `bytes`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/** Where "\r\n\r\n" starts in `bytes[0, end)`, or -1. */
export function indexOfBlankLine(bytes: Uint8Array, end: number): number {
  for (let i = 0; i + 3 < end; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** The `Sec-WebSocket-Accept` value answering the client's `key`. */
export async function acceptValue(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + GUID));
  return toBase64(new Uint8Array(digest));
}

/** Base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}
