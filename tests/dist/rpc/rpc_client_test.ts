import assert from "node:assert/strict";
import { z } from "zod";
import { AuthError } from "../../../dist/rpc/auth_error.ts";
import { ConnectionClosedError } from "../../../dist/rpc/connection_closed_error.ts";
import { MessageCodec } from "../../../dist/rpc/message_codec.ts";
import { memoryTransportPair } from "../../../dist/rpc/memory_transport_pair.ts";
import { PROTOCOL_VERSION } from "../../../dist/rpc/messages.ts";
import { MethodTable } from "../../../dist/rpc/method_table.ts";
import { ProtocolError } from "../../../dist/rpc/protocol_error.ts";
import { RemoteError } from "../../../dist/rpc/remote_error.ts";
import { RpcClient } from "../../../dist/rpc/rpc_client.ts";
import { RpcSession } from "../../../dist/rpc/rpc_session.ts";
import { RpcTimeoutError } from "../../../dist/rpc/rpc_timeout_error.ts";

const secret = new TextEncoder().encode("correct horse battery");

function testMethods(started: string[] = []): MethodTable {
  return new MethodTable()
    .register("echo", z.unknown(), (x) => x)
    .register("add", z.tuple([z.number(), z.number()]), ([a, b]) => a + b)
    .register("delay", z.number(), async (ms, ctx) => {
      started.push(ctx.method);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
      return ms;
    })
    .register("fail", z.string(), (text) => {
      throw Object.assign(new RangeError(text), { data: { code: 7 } });
    });
}

async function pair(options: { log?: (l: string) => void } = {}) {
  const [near, far] = memoryTransportPair("rank 1", "127.0.0.2:4000");
  const session = new RpcSession(far, {
    secret,
    methods: testMethods(),
    name: "rank 0",
    log: options.log ?? (() => {}),
  });
  const client = await RpcClient.open(near, { secret, name: "rank 1" });
  return { client, session, near, far };
}

Deno.test("RpcClient runs concurrent calls on one connection and matches answers by id", async () => {
  const { client, session } = await pair();
  const results = await Promise.all([
    client.call("delay", 30, { timeoutMs: 2000 }),
    client.call("add", [2, 3], { timeoutMs: 2000 }),
    client.call("echo", new Float32Array([1.5, -2]), { timeoutMs: 2000 }),
    client.call("delay", 5, { timeoutMs: 2000 }),
  ]);
  assert.deepStrictEqual(results, [30, 5, new Float32Array([1.5, -2]), 5]);
  assert.equal(client.peer, "rank 0 (127.0.0.2:4000)");
  assert.equal(session.peer, "rank 1 (rank 1)");
  client.close();
  await session.done;
});

Deno.test("RpcClient.call() rejects with RpcTimeoutError naming the method and peer", async () => {
  const { client, session } = await pair();
  const error = await client.call("delay", 5000, { timeoutMs: 30 }).catch((e) => e);
  assert.ok(error instanceof RpcTimeoutError);
  assert.match(error.message, /"delay" to rank 0 \(127\.0\.0\.2:4000\) timed out after 30 ms/);
  assert.equal(client.pendingCount, 0);
  client.close();
  await session.done;
});

Deno.test("RpcClient.call() honours an abort signal, before and during the call", async () => {
  const { client, session } = await pair();
  const early = AbortSignal.abort(new Error("not today"));
  await assert.rejects(client.call("echo", 1, { signal: early }), /not today/);
  const controller = new AbortController();
  const call = client.call("delay", 5000, { signal: controller.signal, timeoutMs: 5000 });
  setTimeout(() => controller.abort(new Error("changed my mind")), 10);
  await assert.rejects(call, /changed my mind/);
  client.close();
  await session.done;
});

Deno.test("RpcClient surfaces a remote throw as RemoteError with name, message and data", async () => {
  const { client, session } = await pair();
  const error = await client.call("fail", "ids out of range").catch((e) => e);
  assert.ok(error instanceof RemoteError);
  assert.equal(error.remoteName, "RangeError");
  assert.equal(error.remoteMessage, "ids out of range");
  assert.deepStrictEqual(error.data, { code: 7 });
  const unknown = await client.call("nope", 1).catch((e) => e);
  assert.ok(unknown instanceof RemoteError);
  assert.match(unknown.message, /unknown method "nope"/);
  const bad = await client.call("add", ["x", 1]).catch((e) => e);
  assert.ok(bad instanceof RemoteError);
  assert.equal(bad.remoteName, "TypeError");
  client.close();
  await session.done;
});

Deno.test("closing the connection fails every pending call at once, naming peer and method", async () => {
  const started: string[] = [];
  const [near, far] = memoryTransportPair("rank 1", "127.0.0.3:4001");
  const session = new RpcSession(far, { secret, methods: testMethods(started), name: "rank 2" });
  const client = await RpcClient.open(near, { secret });
  const calls = [1, 2, 3].map((i) =>
    client.call("delay", 10_000 + i, { timeoutMs: 20_000 }).catch((e) => e)
  );
  while (started.length < 3) await new Promise((r) => setTimeout(r, 1));
  session.close();
  const errors = await Promise.all(calls);
  for (const error of errors) {
    assert.ok(error instanceof ConnectionClosedError);
    assert.match(error.message, /"delay" to rank 2 \(127\.0\.0\.3:4001\)/);
  }
  await assert.rejects(client.call("echo", 1), ConnectionClosedError);
  await session.done;
});

Deno.test("RpcClient rejects bad arguments with TypeError and RangeError", async () => {
  const { client, session } = await pair();
  assert.throws(() => client.call("", 1), TypeError);
  assert.throws(() => client.call("echo", 1, { timeoutMs: 0 }), RangeError);
  assert.throws(() => client.call("echo", 1, { timeoutMs: NaN }), RangeError);
  client.close();
  await session.done;
});

Deno.test("a client with the wrong secret is refused, logged, and runs nothing", async () => {
  const started: string[] = [];
  const logs: string[] = [];
  const [near, far] = memoryTransportPair("intruder", "server");
  const session = new RpcSession(far, {
    secret,
    methods: testMethods(started),
    log: (l) => logs.push(l),
  });
  await assert.rejects(
    RpcClient.open(near, { secret: new TextEncoder().encode("wrong guess!!") }),
    AuthError,
  );
  await session.done;
  assert.equal(started.length, 0);
  assert.match(logs.join("\n"), /refused connection from intruder: wrong shared secret/);
});

Deno.test("a request sent before authenticating is refused and never runs", async () => {
  const started: string[] = [];
  const logs: string[] = [];
  const [near, far] = memoryTransportPair("sneaky", "server");
  const session = new RpcSession(far, {
    secret,
    methods: testMethods(started),
    log: (l) => logs.push(l),
  });
  const received: unknown[] = [];
  const codec = new MessageCodec();
  near.attach({ frame: (f) => received.push(codec.decode(f)), closed: () => {} });
  near.send(
    codec.encode({ v: PROTOCOL_VERSION, kind: "request", id: 1, method: "delay", payload: 1 }),
  );
  await session.done;
  assert.equal(started.length, 0);
  assert.deepStrictEqual(received.map((m) => (m as { kind: string }).kind), [
    "challenge",
    "denied",
  ]);
  assert.match(logs.join("\n"), /"request" sent before authentication/);
});

Deno.test("a client refuses a server that cannot prove the secret", async () => {
  const [near, far] = memoryTransportPair("client", "impostor");
  const session = new RpcSession(far, {
    secret: new TextEncoder().encode("another secret"),
    methods: testMethods(),
    log: () => {},
  });
  await assert.rejects(RpcClient.open(near, { secret }), AuthError);
  await session.done;
});

Deno.test("a garbage frame after authentication gets a ProtocolError and closes that connection", async () => {
  const logs: string[] = [];
  const { client, session, near } = await pair({ log: (l) => logs.push(l) });
  const pending = client.call("delay", 5000, { timeoutMs: 5000 }).catch((e) => e);
  (near as { send(f: Uint8Array | string): void }).send(new Uint8Array([0xc1, 0xc1, 0xc1]));
  const error = await pending;
  assert.ok(error instanceof ProtocolError, String(error));
  assert.match(error.message, /undecodable frame/);
  await session.done;
  assert.match(logs.join("\n"), /protocol error from rank 1/);
});

Deno.test("a handshake that never finishes times out on both ends", async () => {
  const logs: string[] = [];
  const [near, far] = memoryTransportPair("silent", "server");
  const session = new RpcSession(far, {
    secret,
    methods: testMethods(),
    handshakeTimeoutMs: 20,
    log: (l) => logs.push(l),
  });
  near.attach({ frame: () => {}, closed: () => {} });
  await session.done;
  assert.match(logs.join("\n"), /no authentication within 20 ms/);
});
