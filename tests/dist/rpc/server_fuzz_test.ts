// Fuzzing a real server on loopback: before authentication (the opening
// request, the handshake), and after it (broken frames and messages).
// Seeded (WEBGNN_FUZZ_SEED replays a run); each test prints its case counts.
// Every bad input must get an error or a close within a bound, and a healthy
// client of the same server must keep being answered.
import assert from "node:assert/strict";
import { Packr } from "msgpackr";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { MessageCodec } from "../../../dist/rpc/message_codec.ts";
import { type Message, PROTOCOL_VERSION } from "../../../dist/rpc/messages.ts";
import { serveRpc } from "../../../dist/rpc/serve_rpc.ts";
import { importSecret, prove } from "../../../dist/rpc/_hmac.ts";
import { rng } from "../../_random.ts";
import { realMethods } from "../_real_methods.ts";
import { below, fuzzSeed, mutate, randomBytes, randomValue, wrongTyped } from "../_fuzz.ts";
import { frame, RawWire, upgradeRequest } from "../_wire.ts";

const secret = new TextEncoder().encode("the fuzzed server's secret");
const HANDSHAKE_MS = 1000;
const v = PROTOCOL_VERSION;
const codec = new MessageCodec();
const packr = new Packr({ moreTypes: true, useRecords: false });

/** Runs `cases` jobs, `width` at a time. */
async function pool(cases: number, width: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < cases) await job(next++);
  }));
}

/** Bytes a client sends, and whether after a WebSocket upgrade; `label` names the case. */
interface Input {
  readonly label: string;
  readonly upgrade: boolean;
  readonly bytes: Uint8Array;
}

/** What a client sends before authenticating, as one of many broken shapes. */
async function preAuthInput(r: () => number): Promise<Input> {
  const raw = (label: string, bytes: Uint8Array) => ({ label, upgrade: false, bytes });
  const up = (label: string, bytes: Uint8Array) => ({ label, upgrade: true, bytes });
  const authFrame = async (right: boolean) => {
    const key = await importSecret(right ? secret : randomBytes(r, 24));
    // The challenge is unknown here: the proof is over a made-up one, so it fails either way.
    const mac = await prove(key, "client", randomBytes(r, 32), randomBytes(r, 32));
    return codec.encode({ v, kind: "auth", peer: "fuzz", nonce: randomBytes(r, 32), mac });
  };
  switch (below(r, 13) + (r() < 0.3 ? 1 : 0)) {
    case 0:
      return raw("random bytes instead of an opening request", randomBytes(r, below(r, 300)));
    case 1:
      return raw("a mutated opening request", mutate(r, upgradeRequest("127.0.0.1")));
    case 2:
      return raw(
        "an opening request over 4 KiB",
        new TextEncoder().encode(`GET / HTTP/1.1\r\nX: ${"a".repeat(5000)}`),
      );
    case 3:
      return up(
        "a frame header claiming more than 1 KiB, then data",
        new Uint8Array([
          ...frame(2, new Uint8Array(0), { claim: [1025, 65536, 2 ** 26, 2 ** 40][below(r, 4)]! }),
          ...randomBytes(r, 4096),
        ]),
      );
    case 4:
      return up("a ping", frame(9, randomBytes(r, below(r, 125))));
    case 5:
      return up("a text frame", frame(1, new TextEncoder().encode("hello")));
    case 6:
      return up("an unmasked frame", frame(2, await authFrame(false), { mask: false }));
    case 7:
      return up("an auth with a wrong proof", frame(2, await authFrame(r() < 0.5)));
    case 8:
      return up("a mutated auth", frame(2, mutate(r, await authFrame(true))));
    case 9:
      return up("a message of random types", frame(2, packr.pack(wrongTyped(r))));
    case 10:
      return up(
        "a request before authentication",
        frame(
          2,
          codec.encode({ v, kind: "request", id: 1, method: "echo", payload: randomValue(r) }),
        ),
      );
    case 11:
      return up(
        "empty fragments",
        new Uint8Array(
          Array.from(
            { length: 40 },
            () => [...frame(r() < 0.5 ? 0 : 2, new Uint8Array(0), { fin: false })],
          ).flat(),
        ),
      );
    case 12:
      return up(
        "mutated frames",
        mutate(
          r,
          new Uint8Array([...frame(2, await authFrame(true)), ...frame(9, new Uint8Array(3))]),
        ),
      );
    default:
      return r() < 0.5
        ? raw("half an opening request, then silence", upgradeRequest("127.0.0.1").subarray(0, 40))
        : up("silence after the upgrade", new Uint8Array(0));
  }
}

Deno.test("fuzz: before authentication, broken opening requests, frames and handshakes each end in a refusal and a closed connection; a healthy client is still served", async () => {
  const seed = fuzzSeed() + 2;
  const r = rng(seed);
  const logs: string[] = [];
  const ran = new Map<string, number>();
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: realMethods(ran),
    handshakeTimeoutMs: HANDSHAKE_MS,
    log: (l) => logs.push(l),
  });
  const healthy = await connectRpc(server.url, { secret, name: "healthy" });
  const inputs: Input[] = [];
  for (let i = 0; i < 700; i++) inputs.push(await preAuthInput(r));
  const labels = new Map<string, number>();
  try {
    await pool(inputs.length, 32, async (i) => {
      const input = inputs[i]!;
      labels.set(input.label, (labels.get(input.label) ?? 0) + 1);
      const wire = await RawWire.open("127.0.0.1", server.port, input.upgrade);
      try {
        await wire.send(input.bytes);
        const got: string[] = [];
        for (;;) {
          const event = await wire.next(HANDSHAKE_MS + 2000);
          assert.notEqual(
            event.kind,
            "timeout",
            `case ${i} (${input.label}, seed ${seed}): no close`,
          );
          if (event.kind === "closed") break;
          got.push(event.kind === "message" ? event.message.kind : event.kind);
        }
        assert.ok(
          got.every((k) => k === "challenge" || k === "denied"),
          `case ${i} (${input.label}): ${got}`,
        );
      } finally {
        await wire.close();
      }
      if (i % 50 === 0) assert.equal(await healthy.call("echo", i, { timeoutMs: 5000 }), i);
    });
    assert.equal(server.unauthenticatedCount, 0);
    assert.deepEqual([...ran.keys()], ["echo"]);
  } finally {
    healthy.close();
    await server.close();
  }
  // Refusals are summed up: the first in full, the rest in one line per interval.
  assert.ok(logs.length <= 4, `${logs.length} log lines:\n${logs.join("\n")}`);
  assert.match(logs.at(-1)!, /refused \d+ more connections in 10 s/);
  console.log(logs.join("\n"));
  console.log(
    `pre-authentication fuzz (seed ${seed}): ${inputs.length} connections, ${server.refusedCount} refused, ${logs.length} log lines; ${
      [...labels].map(([l, n]) => `${n} ${l}`).join(", ")
    }`,
  );
});

/** A broken frame, or a valid frame carrying a broken or unexpected message, after authentication. */
function postAuthInput(r: () => number): { label: string; bytes: Uint8Array; message?: unknown } {
  const request: Message = {
    v,
    kind: "request",
    id: below(r, 1000),
    method: "echo",
    payload: randomValue(r),
  };
  const encoded = codec.encode(request);
  switch (below(r, 6)) {
    case 0: {
      const bytes = mutate(r, encoded);
      return { label: "mutated message", bytes: frame(2, bytes), message: bytes };
    }
    case 1: {
      const bytes = packr.pack(wrongTyped(r));
      return { label: "wrongly typed message", bytes: frame(2, bytes), message: bytes };
    }
    case 2:
      return { label: "mutated frame", bytes: mutate(r, frame(2, encoded)) };
    case 3: {
      const claim = [70_000, 2 ** 30, 2 ** 62][below(r, 3)]!;
      return { label: "oversized frame", bytes: frame(2, randomBytes(r, 64), { claim }) };
    }
    case 4: {
      const bytes = codec.encode({ v, kind: "welcome", peer: "x", mac: randomBytes(r, 32) });
      return { label: "handshake message again", bytes: frame(2, bytes), message: bytes };
    }
    default:
      return { label: "bits flipped in a frame", bytes: mutate(r, frame(2, encoded)) };
  }
}

Deno.test("fuzz: after authentication, broken frames and messages get an error and a close, or an answer; nothing hangs and a healthy client is still served", async () => {
  const seed = fuzzSeed() + 4;
  const r = rng(seed);
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: realMethods(new Map()),
    maxMessageBytes: 64 * 1024,
    log: () => {},
  });
  const healthy = await connectRpc(server.url, { secret, name: "healthy" });
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  const open = async () => {
    const wire = await RawWire.open("127.0.0.1", server.port);
    await wire.authenticate(secret);
    return wire;
  };
  const cases = 800;
  const inputs = Array.from({ length: cases }, () => postAuthInput(r));
  let connections = 0;
  let next = 0;
  /** One connection's worth of cases at a time, reconnecting after each close. */
  const worker = async () => {
    let wire = await open();
    connections++;
    try {
      while (next < cases) {
        const i = next++;
        const input = inputs[i]!;
        const label = `case ${i} (${input.label}, seed ${seed})`;
        let decoded: Message | null = null;
        if (input.message instanceof Uint8Array) {
          try {
            decoded = codec.decode(input.message);
          } catch {
            // broken: the server must say so and close
          }
        }
        await wire.send(input.bytes);
        // A probe behind it: answered if the connection survived what came before.
        const probe = 1_000_000 + i;
        await wire.sendMessage({ v, kind: "request", id: probe, method: "echo", payload: i });
        let outcome = "";
        const kinds: string[] = [];
        let padded = false;
        while (outcome === "") {
          const event = await wire.next(padded ? 5000 : 300);
          if (event.kind === "timeout" && !padded) {
            // A frame whose header claims more than was sent waits for the rest: send it.
            padded = true;
            await wire.send(new Uint8Array(66 * 1024));
            continue;
          }
          assert.notEqual(event.kind, "timeout", `${label}: no answer and no close`);
          if (event.kind === "closed") outcome = "closed";
          else if (event.kind === "message") {
            kinds.push(event.message.kind);
            const m = event.message;
            if ((m.kind === "response" || m.kind === "error") && m.id === probe) {
              outcome = "answered";
            }
          }
        }
        if (input.message instanceof Uint8Array) {
          const keepsOpen = decoded?.kind === "request" || decoded?.kind === "cancel";
          assert.equal(outcome, keepsOpen ? "answered" : "closed", `${label}: ${kinds}`);
          if (!keepsOpen) assert.ok(kinds.includes("error"), `${label}: closed without an error`);
        }
        count(`${outcome} after ${input.label}`);
        // After a broken frame the stream may be out of step even if the probe got through.
        if (outcome === "closed" || input.message === undefined) {
          await wire.close();
          wire = await open();
          connections++;
        }
        if (i % 100 === 0) assert.equal(await healthy.call("echo", i, { timeoutMs: 5000 }), i);
      }
    } finally {
      await wire.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    healthy.close();
    await server.close();
  }
  console.log(
    `post-authentication frame fuzz (seed ${seed}): ${cases} inputs over ${connections} ` +
      `connections; ${[...outcomes].sort().map(([k, n]) => `${n} ${k}`).join(", ")}`,
  );
});
