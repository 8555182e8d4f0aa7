import assert from "node:assert/strict";
import { applyMask, type FrameEvent, FrameParser, OP } from "../../../dist/rpc/frame_parser.ts";
import { rng } from "../../_random.ts";

/** A frame as a peer sends it: FIN flag, opcode, optional mask, 7/16/64-bit length. */
function frame(op: number, payload: Uint8Array, options: { fin?: boolean; mask?: boolean } = {}) {
  const n = payload.length;
  const extra = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const mask = options.mask ? new Uint8Array([0x12, 0x34, 0x56, 0x78]) : null;
  const out = new Uint8Array(2 + extra + (mask ? 4 : 0) + n);
  const view = new DataView(out.buffer);
  out[0] = (options.fin === false ? 0 : 0x80) | op;
  const m = mask ? 0x80 : 0;
  if (n < 126) out[1] = m | n;
  else if (n < 65536) (out[1] = m | 126), view.setUint16(2, n);
  else (out[1] = m | 127), view.setBigUint64(2, BigInt(n));
  let at = 2 + extra;
  if (mask) out.set(mask, at), (at += 4);
  const body = payload.slice();
  if (mask) applyMask(body, mask);
  out.set(body, at);
  return out;
}

const bytes = (n: number, seed: number) => {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
};
const messages = (events: FrameEvent[]) =>
  events.map((e) => e.kind === "message" ? new Uint8Array(e.data as ArrayBuffer) : e);

Deno.test("FrameParser gives the same messages whatever the bytes' chunking: whole, byte by byte, or read in place", () => {
  // 127 bytes: a 16-bit length of 127 was once read again as a 64-bit one.
  const payloads = [
    bytes(0, 1),
    bytes(125, 2),
    bytes(126, 3),
    bytes(127, 6),
    bytes(70_000, 4),
    bytes(3, 5),
  ];
  const stream = new Uint8Array(
    payloads.flatMap((p, i) => [...frame(OP.binary, p, { mask: i % 2 === 1 })]),
  );
  assert.deepStrictEqual(messages(new FrameParser(1 << 20).feed(stream)), payloads);
  const byByte = new FrameParser(1 << 20);
  const got = [];
  for (const b of stream) got.push(...byByte.feed(new Uint8Array([b])));
  assert.deepStrictEqual(messages(got), payloads);
  // As a socket reads: up to the space offered, in uneven pieces.
  const reads = new FrameParser(1 << 20);
  const r = rng(9), events = [];
  for (let at = 0; at < stream.length;) {
    const space = reads.space();
    const n = Math.min(space.length, stream.length - at, 1 + Math.floor(r() * 9000));
    space.set(stream.subarray(at, at + n));
    at += n;
    events.push(...reads.wrote(n));
  }
  assert.deepStrictEqual(messages(events), payloads);
});

Deno.test("FrameParser joins fragments, decodes text, and passes pings through mid-message", () => {
  const parser = new FrameParser(1024);
  const hello = new TextEncoder().encode("héllo, wörld");
  const events = parser.feed(
    new Uint8Array([
      ...frame(OP.text, hello.subarray(0, 4), { fin: false }),
      ...frame(OP.ping, new Uint8Array([7, 7])),
      ...frame(OP.continuation, hello.subarray(4), { mask: true }),
      ...frame(OP.pong, new Uint8Array([1])),
    ]),
  );
  assert.deepStrictEqual(events, [
    { kind: "ping", body: new Uint8Array([7, 7]) },
    { kind: "message", data: "héllo, wörld" },
    { kind: "pong" },
  ]);
  assert.equal(parser.inFrame, false);
});

Deno.test("FrameParser reports a close frame and takes nothing after it", () => {
  const parser = new FrameParser(1024);
  const events = parser.feed(
    new Uint8Array([
      ...frame(OP.close, new Uint8Array([0x03, 0xe8, 0x62, 0x79])),
      ...frame(OP.binary, new Uint8Array([1])),
    ]),
  );
  assert.deepStrictEqual(events, [{ kind: "close", body: new Uint8Array([3, 232, 98, 121]) }]);
});

Deno.test("FrameParser fails a stream that breaks the protocol, with 1002 and the reason", () => {
  const cases: [Uint8Array, RegExp][] = [
    [frame(3, new Uint8Array(1)), /reserved opcode 3/],
    [frame(OP.ping, new Uint8Array(126)), /malformed control frame/],
    [frame(OP.close, new Uint8Array(2), { fin: false }), /malformed control frame/],
    [frame(OP.continuation, new Uint8Array(2)), /unexpected continuation/],
    [
      new Uint8Array([
        ...frame(OP.text, new Uint8Array(1), { fin: false }),
        ...frame(OP.binary, new Uint8Array(1)),
      ]),
      /unexpected continuation/,
    ],
  ];
  for (const [stream, reason] of cases) {
    const events = new FrameParser(1024).feed(stream);
    assert.equal(events.length, 1, String(reason));
    const e = events[0]!;
    assert.ok(e.kind === "error" && e.code === 1002, JSON.stringify(e));
    assert.match(e.reason, reason);
  }
});

Deno.test("FrameParser refuses a message over its limit with 1009 before receiving its payload", () => {
  const parser = new FrameParser(100);
  const header = frame(OP.binary, new Uint8Array(101)).subarray(0, 2);
  assert.deepStrictEqual(parser.feed(header), [
    { kind: "error", code: 1009, reason: "message over 100 bytes" },
  ]);
  // Fragments count together.
  const split = new FrameParser(100).feed(
    new Uint8Array([
      ...frame(OP.binary, new Uint8Array(60), { fin: false }),
      ...frame(OP.continuation, new Uint8Array(60)),
    ]),
  );
  assert.equal(split.length, 1);
  assert.equal(split[0]!.kind === "error" && split[0]!.code, 1009);
});

Deno.test("FrameParser.inFrame tells a connection cut inside a frame from one cut between frames", () => {
  const parser = new FrameParser(1024);
  parser.feed(frame(OP.binary, new Uint8Array(10)).subarray(0, 5));
  assert.equal(parser.inFrame, true);
  const whole = new FrameParser(1024);
  whole.feed(frame(OP.binary, new Uint8Array(10)));
  assert.equal(whole.inFrame, false);
});
