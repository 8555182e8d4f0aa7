import assert from "node:assert/strict";
import { MessageCodec } from "../../../dist/rpc/message_codec.ts";
import { type Message, PROTOCOL_VERSION } from "../../../dist/rpc/messages.ts";
import { ProtocolError } from "../../../dist/rpc/protocol_error.ts";
import { rng } from "../../_random.ts";

const KINDS = [
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

function randomTypedArray(rand: () => number, kind: number, length: number) {
  const Kind = KINDS[kind % KINDS.length]!;
  const bytes = new Uint8Array(length * Kind.BYTES_PER_ELEMENT);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  if (Kind === Float32Array || Kind === Float64Array) {
    // Random bytes can be NaN, whose payload bits need not survive; use numbers.
    const out = new Kind(length);
    for (let i = 0; i < length; i++) out[i] = (rand() - 0.5) * 1e6;
    return out;
  }
  return new Kind(bytes.buffer);
}

function randomPayload(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * (depth > 2 ? 6 : 9));
  switch (pick) {
    case 0:
      return Math.floor(rand() * 2 ** 40) - 2 ** 39;
    case 1:
      return rand() * 1000;
    case 2:
      return `s${Math.floor(rand() * 1e6)}é`;
    case 3:
      return rand() < 0.5;
    case 4:
      return null;
    case 5: {
      const length = rand() < 0.3 ? 0 : Math.floor(rand() * 40);
      return randomTypedArray(rand, Math.floor(rand() * KINDS.length), length);
    }
    case 6:
      return Array.from(
        { length: Math.floor(rand() * 4) },
        () => randomPayload(rand, depth + 1),
      );
    default: {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(rand() * 4); i++) {
        out[`k${i}`] = randomPayload(rand, depth + 1);
      }
      return out;
    }
  }
}

function randomBytes(
  rand: () => number,
  n: number,
): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

function randomMessage(rand: () => number, kind: Message["kind"]): Message {
  const id = Math.floor(rand() * 2 ** 32);
  switch (kind) {
    case "challenge":
      return { v: PROTOCOL_VERSION, kind, nonce: randomBytes(rand, 32) };
    case "auth":
      return {
        v: PROTOCOL_VERSION,
        kind,
        peer: "rank 3",
        nonce: randomBytes(rand, 32),
        mac: randomBytes(rand, 32),
      };
    case "welcome":
      return { v: PROTOCOL_VERSION, kind, peer: "rank 0", mac: randomBytes(rand, 32) };
    case "denied":
      return { v: PROTOCOL_VERSION, kind, reason: "authentication failed" };
    case "request":
      return { v: PROTOCOL_VERSION, kind, id, method: "m.x", payload: randomPayload(rand, 0) };
    case "response":
      return { v: PROTOCOL_VERSION, kind, id, payload: randomPayload(rand, 0) };
    case "error":
      return rand() < 0.5
        ? { v: PROTOCOL_VERSION, kind, id: null, name: "ProtocolError", message: "bad" }
        : {
          v: PROTOCOL_VERSION,
          kind,
          id,
          name: "RangeError",
          message: "x",
          data: randomPayload(rand, 0),
        };
    case "cancel":
      return { v: PROTOCOL_VERSION, kind, id };
  }
}

const ALL_KINDS: Message["kind"][] = [
  "challenge",
  "auth",
  "welcome",
  "denied",
  "request",
  "response",
  "error",
  "cancel",
];

function assertAlignedOwned(value: unknown): void {
  if (ArrayBuffer.isView(value)) {
    assert.equal(value.byteOffset, 0);
    assert.equal(value.byteLength, value.buffer.byteLength);
    return;
  }
  if (Array.isArray(value)) value.forEach(assertAlignedOwned);
  else if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(assertAlignedOwned);
  }
}

Deno.test("MessageCodec round-trips every message kind with random payloads", () => {
  const rand = rng(42);
  const sender = new MessageCodec();
  const receiver = new MessageCodec();
  for (let round = 0; round < 60; round++) {
    for (const kind of ALL_KINDS) {
      const message = randomMessage(rand, kind);
      const frame = sender.encode(message);
      // Deliver at an odd offset inside a larger buffer, as sockets may.
      const framed = new Uint8Array(frame.byteLength + 3);
      framed.set(frame, 1);
      const back = receiver.decode(framed.subarray(1, 1 + frame.byteLength));
      assert.deepStrictEqual(back, message);
      assertAlignedOwned("payload" in back ? back.payload : null);
    }
  }
});

Deno.test("MessageCodec round-trips every typed-array kind, empty and not", () => {
  const codec = new MessageCodec();
  const rand = rng(7);
  for (let kind = 0; kind < KINDS.length; kind++) {
    for (const length of [0, 1, 3, 1000]) {
      const array = randomTypedArray(rand, kind, length);
      const back = codec.decode(
        codec.encode({ v: PROTOCOL_VERSION, kind: "response", id: 1, payload: { array } }),
      );
      assert.equal(back.kind, "response");
      const got = (back as { payload: { array: ArrayBufferView } }).payload
        .array;
      assert.equal(got.constructor, array.constructor);
      assert.deepStrictEqual(got, array);
      assertAlignedOwned(got);
    }
  }
});

Deno.test("MessageCodec sends a subarray view as just its elements", () => {
  const codec = new MessageCodec();
  const whole = new Float32Array([1, 2, 3, 4, 5]);
  const back = codec.decode(
    codec.encode({
      v: PROTOCOL_VERSION,
      kind: "response",
      id: 2,
      payload: whole.subarray(1, 3),
    }),
  );
  assert.deepStrictEqual(
    (back as { payload: unknown }).payload,
    new Float32Array([2, 3]),
  );
});

Deno.test("MessageCodec.decode() rejects garbage, truncated and oversized frames", () => {
  const codec = new MessageCodec({ maxMessageBytes: 1024 });
  const good = codec.encode({
    v: PROTOCOL_VERSION,
    kind: "request",
    id: 1,
    method: "echo",
    payload: new Float64Array(20),
  });
  assert.throws(
    () => codec.decode(new Uint8Array([0xc1, 0xff, 7])),
    ProtocolError,
  );
  assert.throws(
    () => codec.decode(good.subarray(0, good.length - 5)),
    ProtocolError,
  );
  assert.throws(() => codec.decode(new Uint8Array(1025)), /exceeds the 1024/);
  assert.throws(() => codec.decode("hello"), /text frame/);
});

Deno.test("MessageCodec.decode() rejects unknown kinds, versions and bad fields", () => {
  const codec = new MessageCodec();
  const big = new MessageCodec({ maxMessageBytes: 1 << 20 });
  const frame = (value: unknown) => big.encode(value as Message);
  assert.throws(() => codec.decode(frame(42)), ProtocolError);
  assert.throws(
    () => codec.decode(frame({ v: PROTOCOL_VERSION - 1, kind: "cancel", id: 1 })),
    /unsupported protocol version 1/,
  );
  assert.throws(
    () => codec.decode(frame({ v: PROTOCOL_VERSION, kind: "shout" })),
    ProtocolError,
  );
  assert.throws(
    () => codec.decode(frame({ v: PROTOCOL_VERSION, kind: "request", id: -1, method: "m" })),
    ProtocolError,
  );
  assert.throws(
    () => codec.decode(frame({ v: PROTOCOL_VERSION, kind: "request", id: 1, method: "" })),
    ProtocolError,
  );
});

Deno.test("MessageCodec.encode() refuses a message above the limit with RangeError", () => {
  const codec = new MessageCodec({ maxMessageBytes: 256 });
  assert.throws(
    () =>
      codec.encode({
        v: PROTOCOL_VERSION,
        kind: "response",
        id: 1,
        payload: new Uint8Array(300),
      }),
    RangeError,
  );
  assert.throws(() => new MessageCodec({ maxMessageBytes: 3 }), RangeError);
});
