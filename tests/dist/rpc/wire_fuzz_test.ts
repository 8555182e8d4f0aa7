// Fuzzing the wire without sockets: the frame parser and the message codec
// get thousands of random and mutated inputs (seeded: WEBGNN_FUZZ_SEED
// replays a run). Nothing may throw but the codec's ProtocolError.
import assert from "node:assert/strict";
import { type FrameEvent, FrameParser, OP } from "../../../dist/rpc/frame_parser.ts";
import { MessageCodec } from "../../../dist/rpc/message_codec.ts";
import { messageSchema } from "../../../dist/rpc/messages.ts";
import { ProtocolError } from "../../../dist/rpc/protocol_error.ts";
import { Packr } from "msgpackr";
import { rng } from "../../_random.ts";
import {
  below,
  fuzzSeed,
  MSGPACK_BOMBS,
  mutate,
  randomBytes,
  randomMessage,
  randomValue,
  wrongTyped,
} from "../_fuzz.ts";
import { frame } from "../_wire.ts";

const LIMIT = 4096;

/** A valid stream of 1-6 frames and the messages it carries (fragments and control frames mixed in). */
function validStream(r: () => number): { bytes: Uint8Array; messages: (string | Uint8Array)[] } {
  const parts: Uint8Array[] = [];
  const messages: (string | Uint8Array)[] = [];
  for (let f = 1 + below(r, 6); f > 0; f--) {
    const mask = r() < 0.7;
    const kind = below(r, 5);
    if (kind === 0) {
      parts.push(frame(r() < 0.5 ? OP.ping : OP.pong, randomBytes(r, below(r, 126)), { mask }));
      continue;
    }
    const n = [0, 1, 125, 126, 127, 1000, LIMIT - 200, below(r, LIMIT - 200)][below(r, 8)]!;
    const payload = kind === 1 ? new TextEncoder().encode("t".repeat(n)) : randomBytes(r, n);
    const op = kind === 1 ? OP.text : OP.binary;
    if (kind === 2 && n > 2) {
      const cut = 1 + below(r, n - 1);
      parts.push(frame(op, payload.subarray(0, cut), { fin: false, mask }));
      parts.push(frame(OP.continuation, payload.subarray(cut), { mask }));
    } else {
      parts.push(frame(op, payload, { mask }));
    }
    messages.push(kind === 1 ? "t".repeat(n) : payload);
  }
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) bytes.set(p, (at += p.length) - p.length);
  return { bytes, messages };
}

/** Feeds `bytes` as a socket would, in random pieces; every event, checked as it comes. */
function parse(r: () => number, parser: FrameParser, bytes: Uint8Array): FrameEvent[] {
  const events: FrameEvent[] = [];
  let ended = false;
  for (let at = 0; at < bytes.length && !ended;) {
    const space = parser.space();
    const n = Math.min(space.length, bytes.length - at, 1 + below(r, 3000));
    space.set(bytes.subarray(at, at + n));
    at += n;
    for (const e of parser.wrote(n)) {
      assert.ok(!ended, "an event after close or error");
      if (e.kind === "close" || e.kind === "error") ended = true;
      if (e.kind === "message") {
        const size = typeof e.data === "string" ? e.data.length : e.data.byteLength;
        assert.ok(size <= LIMIT, `a message of ${size} bytes passed a ${LIMIT}-byte limit`);
      }
      events.push(e);
    }
  }
  return events;
}

Deno.test("fuzz: FrameParser takes thousands of random, mutated and oversized streams without throwing or passing a message over its limit", () => {
  const seed = fuzzSeed();
  const r = rng(seed);
  const counts = { valid: 0, mutated: 0, oversized: 0, failed: 0 };
  for (let i = 0; i < 4000; i++) {
    const { bytes, messages } = validStream(r);
    const requireMask = r() < 0.3;
    const parser = new FrameParser(LIMIT, { requireMask });
    const choice = below(r, 10);
    if (choice < 2) {
      counts.valid++;
      const events = parse(r, parser, bytes);
      const got = events.flatMap((e) =>
        e.kind === "message" ? [typeof e.data === "string" ? e.data : new Uint8Array(e.data)] : []
      );
      const error = events.find((e) => e.kind === "error");
      if (!error) assert.deepStrictEqual(got, messages, `case ${i} (seed ${seed})`);
      else assert.ok(requireMask, `case ${i}: a valid stream failed: ${JSON.stringify(error)}`);
    } else if (choice < 4) {
      counts.oversized++;
      const claim = [LIMIT + 1, 65536, 2 ** 31, 2 ** 53, 2 ** 63][below(r, 5)]!;
      const header = frame(OP.binary, new Uint8Array(0), { claim });
      const events = parse(r, parser, new Uint8Array([...header, ...randomBytes(r, 100)]));
      assert.equal(events.length, 1);
      assert.ok(events[0]!.kind === "error" && events[0]!.code === 1009, JSON.stringify(events));
    } else {
      counts.mutated++;
      const events = parse(r, parser, mutate(r, bytes));
      if (events.some((e) => e.kind === "error")) counts.failed++;
    }
  }
  console.log(
    `FrameParser fuzz (seed ${seed}): ${
      counts.valid + counts.mutated + counts.oversized
    } streams: ` +
      `${counts.valid} valid, ${counts.oversized} oversized, ${counts.mutated} mutated ` +
      `(${counts.failed} of them failed with 1002/1009)`,
  );
});

Deno.test("fuzz: MessageCodec decodes or throws ProtocolError for thousands of mutated, wrongly typed and bomb frames", () => {
  const seed = fuzzSeed() + 1;
  const r = rng(seed);
  const codec = new MessageCodec({ maxMessageBytes: 1 << 20 });
  const packr = new Packr({ moreTypes: true, useRecords: false });
  const counts = { valid: 0, mutated: 0, wrongTyped: 0, bombs: 0, rejected: 0 };
  const attempt = (frame: Uint8Array | string, label: string) => {
    try {
      const message = codec.decode(frame);
      assert.ok(messageSchema.safeParse(message).success, `${label}: decoded an invalid message`);
      return true;
    } catch (error) {
      assert.ok(error instanceof ProtocolError, `${label}: ${(error as Error).stack}`);
      counts.rejected++;
      return false;
    }
  };
  for (let i = 0; i < 5000; i++) {
    const message = randomMessage(r);
    const encoded = codec.encode(message);
    const choice = below(r, 10);
    if (choice < 1) {
      counts.valid++;
      assert.ok(attempt(encoded, `case ${i} (valid, seed ${seed})`));
    } else if (choice < 7) {
      counts.mutated++;
      attempt(mutate(r, encoded), `case ${i} (mutated, seed ${seed})`);
    } else {
      counts.wrongTyped++;
      attempt(packr.pack(wrongTyped(r)), `case ${i} (wrong types, seed ${seed})`);
    }
  }
  for (const [b, bomb] of MSGPACK_BOMBS.entries()) {
    for (let k = 0; k < 20; k++) {
      counts.bombs++;
      assert.equal(attempt(k === 0 ? bomb : mutate(r, bomb), `bomb ${b}`), false);
    }
  }
  attempt("a text frame", "text");
  attempt(packr.pack(randomValue(r)), "a bare value");
  const total = counts.valid + counts.mutated + counts.wrongTyped + counts.bombs;
  console.log(
    `MessageCodec fuzz (seed ${seed}): ${total} frames: ${counts.valid} valid, ${counts.mutated} ` +
      `mutated, ${counts.wrongTyped} wrongly typed, ${counts.bombs} msgpack bombs; ` +
      `${counts.rejected} rejected with ProtocolError`,
  );
});
