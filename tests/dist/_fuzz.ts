// Seeded random and mutated inputs for the wire's fuzz tests.
import { type Message, PROTOCOL_VERSION } from "../../dist/rpc/messages.ts";

/** The seed of a fuzz run: `WEBGNN_FUZZ_SEED` to replay one, else a fixed one. */
export function fuzzSeed(): number {
  const text = Deno.env.get("WEBGNN_FUZZ_SEED");
  return text === undefined ? 20261206 : Number(text);
}

/** An integer in [0, n). */
export function below(r: () => number, n: number): number {
  return Math.floor(r() * n);
}

/** `n` random bytes. */
export function randomBytes(r: () => number, n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 256) | 0;
  return out;
}

const TYPED = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

const STRINGS = [
  "",
  "rank 1\n\u001b[31mforged line",
  "\u202etxt.exe",
  "x".repeat(300),
  "coord.join",
  "ring.push",
  "partition.sample",
  "__proto__",
  "constructor",
  "é\u0000\uffff",
];

/** Any msgpack-able value, of any type: what a confused or hostile peer might send. */
export function randomValue(r: () => number, depth = 0): unknown {
  switch (below(r, depth > 3 ? 10 : 14)) {
    case 0:
      return below(r, 2 ** 31) - 2 ** 30;
    case 1:
      return [NaN, Infinity, -Infinity, -0, 2 ** 53 + 2, -1, 1e308, 0.5][below(r, 8)];
    case 2:
      return STRINGS[below(r, STRINGS.length)];
    case 3:
      return r() < 0.5;
    case 4:
      return null;
    case 5:
      return BigInt(below(r, 2 ** 31)) * 1000003n;
    case 6:
      return randomBytes(r, below(r, 64));
    case 7: {
      const Kind = TYPED[below(r, TYPED.length)]!;
      const n = below(r, 32);
      return new Kind(randomBytes(r, n * Kind.BYTES_PER_ELEMENT).buffer);
    }
    case 8:
      return `s${below(r, 1e6)}`;
    case 9:
      return below(r, 1000);
    case 10:
      return Array.from({ length: below(r, 5) }, () => randomValue(r, depth + 1));
    case 11:
      // String keys: a map keyed by objects encodes but does not decode.
      return new Map([[`m${below(r, 9)}`, randomValue(r, depth + 1)]]);
    default: {
      const out: Record<string, unknown> = {};
      for (let i = below(r, 5); i > 0; i--) {
        const key = r() < 0.5 ? STRINGS[below(r, STRINGS.length)]! : `k${i}`;
        out[key] = randomValue(r, depth + 1);
      }
      return out;
    }
  }
}

/** A valid message of a random kind. */
export function randomMessage(r: () => number): Message {
  const v = PROTOCOL_VERSION;
  const id = below(r, 2 ** 32);
  switch (below(r, 8)) {
    case 0:
      return { v, kind: "challenge", nonce: randomBytes(r, 32) };
    case 1:
      return {
        v,
        kind: "auth",
        peer: "rank 3",
        nonce: randomBytes(r, 32),
        mac: randomBytes(r, 32),
      };
    case 2:
      return { v, kind: "welcome", peer: "rank 0", mac: randomBytes(r, 32) };
    case 3:
      return { v, kind: "denied", reason: "authentication failed" };
    case 4:
      return { v, kind: "request", id, method: "echo", payload: randomValue(r) };
    case 5:
      return { v, kind: "response", id, payload: randomValue(r) };
    case 6:
      return { v, kind: "error", id, name: "RangeError", message: "x", data: randomValue(r) };
    default:
      return { v, kind: "cancel", id };
  }
}

/** An object shaped like a message whose fields have random values and types. */
export function wrongTyped(r: () => number): Record<string, unknown> {
  const kinds = [
    "challenge",
    "auth",
    "welcome",
    "denied",
    "request",
    "response",
    "error",
    "cancel",
  ];
  const out: Record<string, unknown> = {
    v: r() < 0.8 ? PROTOCOL_VERSION : randomValue(r),
    kind: r() < 0.8 ? kinds[below(r, kinds.length)] : randomValue(r),
  };
  for (const field of ["id", "method", "payload", "peer", "nonce", "mac", "name", "message"]) {
    if (r() < 0.5) out[field] = randomValue(r);
  }
  return out;
}

/** Byte strings that claim far more than they hold, or nest far too deep. */
export const MSGPACK_BOMBS: readonly Uint8Array[] = [
  new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]), // array of 4 G elements
  new Uint8Array([0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x76]), // map of 4 G entries
  new Uint8Array([0xdb, 0x7f, 0xff, 0xff, 0xff, 0x61]), // string of 2 GB
  new Uint8Array([0xc6, 0xff, 0xff, 0xff, 0xf0, 0x00]), // binary of 4 GB
  new Uint8Array([0xc9, 0x7f, 0xff, 0xff, 0xff, 0x12, 0x00]), // extension of 2 GB
  new Uint8Array(30_000).fill(0x91), // arrays nested 30,000 deep
  new Uint8Array(60_000).fill(0x81).map((b, i) => i % 2 ? 0xa0 : b), // maps nested 30,000 deep
];

/** `bytes` broken in one of several ways: bits flipped, cut, extended, spliced or replaced. */
export function mutate(r: () => number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes); // a copy even of a Buffer, whose slice() is a view
  switch (below(r, 7)) {
    case 0: {
      for (let i = 1 + below(r, 8); i > 0 && out.length > 0; i--) {
        out[below(r, out.length)]! ^= 1 << below(r, 8);
      }
      return out;
    }
    case 1:
      return out.subarray(0, below(r, out.length));
    case 2: {
      const more = new Uint8Array(out.length + 1 + below(r, 64));
      more.set(out);
      more.set(randomBytes(r, more.length - out.length), out.length);
      return more;
    }
    case 3: {
      if (out.length === 0) return randomBytes(r, 8);
      const at = below(r, out.length);
      out.set(randomBytes(r, Math.min(out.length - at, 1 + below(r, 8))), at);
      return out;
    }
    case 4: {
      const at = below(r, out.length + 1);
      return new Uint8Array([...out.subarray(0, at), ...out.subarray(below(r, out.length + 1))]);
    }
    case 5:
      if (out.length > 0) out[below(r, out.length)] = [0x00, 0xff, 0xc1, 0xdd][below(r, 4)]!;
      return out;
    default:
      return randomBytes(r, below(r, 200));
  }
}
