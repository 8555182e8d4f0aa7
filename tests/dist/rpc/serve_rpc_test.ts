import assert from "node:assert/strict";
import { z } from "zod";
import { ConnectError } from "../../../dist/rpc/connect_error.ts";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { MethodTable } from "../../../dist/rpc/method_table.ts";
import { serveRpc } from "../../../dist/rpc/serve_rpc.ts";
import { PROTOCOL_VERSION } from "../../../dist/rpc/messages.ts";
import { RawClient } from "../_raw_client.ts";
import { RawWire } from "../_wire.ts";

const secret = new TextEncoder().encode("correct horse battery");

function methods(ran: string[]) {
  return new MethodTable()
    .register("echo", z.unknown(), (x, ctx) => {
      ran.push(ctx.method);
      return x;
    })
    .register("sum", z.instanceof(Float32Array), (xs) => xs.reduce((a, b) => a + b, 0));
}

Deno.test("serveRpc answers concurrent calls over a real WebSocket, including big typed arrays", async () => {
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: methods([]),
    name: "rank 0",
  });
  const client = await connectRpc(server.url, { secret, name: "rank 1" });
  const big = Float32Array.from({ length: 300_000 }, (_, i) => i % 7);
  const [echoed, sum, small] = await Promise.all([
    client.call("echo", big, { timeoutMs: 5000 }),
    client.call("sum", new Float32Array([1, 2, 3.5]), { timeoutMs: 5000 }),
    client.call("echo", { ids: new Int32Array([5, -1]), empty: new Float64Array(0) }),
  ]);
  assert.deepStrictEqual(echoed, big);
  assert.equal(sum, 6.5);
  assert.deepStrictEqual(small, { ids: new Int32Array([5, -1]), empty: new Float64Array(0) });
  assert.equal(client.peer, `rank 0 (${server.url})`);
  client.close();
  await client.closed;
  await server.close();
});

Deno.test("garbage and truncated frames each get a ProtocolError, an oversized one a 1009 close on its header; other clients are still served", async () => {
  const logs: string[] = [];
  const ran: string[] = [];
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: methods(ran),
    maxMessageBytes: 64 * 1024,
    log: (l) => logs.push(l),
  });
  const good = await connectRpc(server.url, { secret });
  const frames = [
    new Uint8Array([0xc1, 0xc1, 0xff, 0x00]),
    new Uint8Array([0x85, 0xa1, 0x76, 0x01, 0xa4]), // map of 5, cut short
  ];
  for (const frame of frames) {
    const raw = await RawClient.open(server.url);
    await raw.authenticate(secret);
    raw.socket.send(frame);
    await raw.waitFor(3);
    const error = raw.received[2];
    assert.equal(error?.kind, "error");
    assert.equal(error.kind === "error" && error.name, "ProtocolError");
    assert.equal(await raw.closed, 4002);
    assert.equal(await good.call("echo", "still here", { timeoutMs: 2000 }), "still here");
  }
  const raw = await RawClient.open(server.url);
  await raw.authenticate(secret);
  raw.socket.send(new Uint8Array(100 * 1024));
  assert.equal(await raw.closed, 1009);
  assert.equal(await good.call("echo", "still here", { timeoutMs: 2000 }), "still here");
  assert.match(logs.join("\n"), /message over 65536 bytes/);
  assert.match(logs.join("\n"), /undecodable frame/);
  good.close();
  await good.closed;
  await server.close();
});

Deno.test("an unauthenticated client gets nothing but a refusal, and no method runs", async () => {
  const logs: string[] = [];
  const ran: string[] = [];
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: methods(ran),
    log: (l) => logs.push(l),
  });
  const raw = await RawClient.open(server.url);
  raw.send({ v: PROTOCOL_VERSION, kind: "request", id: 1, method: "echo", payload: "let me in" });
  assert.equal(await raw.closed, 4008);
  assert.deepStrictEqual(raw.received.map((m) => m.kind), ["challenge", "denied"]);
  assert.deepStrictEqual(ran, []);
  const wrong = await connectRpc(server.url, {
    secret: new TextEncoder().encode("not the right one"),
  }).catch((e) => e);
  assert.equal(wrong.name, "AuthError");
  assert.deepStrictEqual(ran, []);
  await server.close();
  // The first refusal is logged at once, the next summed up (here, at close).
  assert.match(logs[0]!, /refused connection from 127\.0\.0\.1:\d+: "request" sent before/);
  assert.match(logs[1]!, /refused 1 more connections in 10 s: 1 wrong shared secret/);
});

Deno.test("serveRpc listens only on the hostname it is given", async () => {
  const server = serveRpc({ hostname: "127.0.0.2", port: 0, secret, methods: methods([]) });
  const error = await connectRpc(`ws://127.0.0.3:${server.port}`, { secret }).catch((e) => e);
  assert.ok(error instanceof ConnectError);
  assert.throws(() => serveRpc({ hostname: "", port: 0, secret, methods: methods([]) }), TypeError);
  await server.close();
});

Deno.test("connectRpc retries with backoff until the server comes up", async () => {
  const probe = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods: methods([]) });
  const port = probe.port;
  await probe.close();
  let server: ReturnType<typeof serveRpc> | null = null;
  const timer = setTimeout(() => {
    server = serveRpc({ hostname: "127.0.0.1", port, secret, methods: methods([]) });
  }, 300);
  const client = await connectRpc(`ws://127.0.0.1:${port}`, { secret, connectDeadlineMs: 5000 });
  assert.equal(await client.call("echo", 1), 1);
  clearTimeout(timer);
  client.close();
  await client.closed;
  await (server as ReturnType<typeof serveRpc> | null)?.close();
});

Deno.test("connectRpc gives up at the deadline with an error naming the address", async () => {
  const probe = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods: methods([]) });
  const url = probe.url;
  await probe.close();
  const started = Date.now();
  const error = await connectRpc(url, { secret, connectDeadlineMs: 300 }).catch((e) => e);
  assert.ok(error instanceof ConnectError);
  assert.ok(error.message.includes(url), error.message);
  assert.ok(Date.now() - started < 2000);
});

Deno.test("a client that does not authenticate in time has its TCP connection closed at the deadline, and the refusal is logged", async () => {
  const logs: string[] = [];
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: methods([]),
    handshakeTimeoutMs: 300,
    log: (l) => logs.push(l),
  });
  const started = Date.now();
  const silent = await RawWire.open("127.0.0.1", server.port); // upgraded, then silent
  const mute = await RawWire.open("127.0.0.1", server.port, false); // not even the request
  try {
    for (const wire of [silent, mute]) {
      let event;
      do event = await wire.next(3000); while (event.kind === "message");
      assert.equal(event.kind, "closed");
    }
    const took = Date.now() - started;
    assert.ok(took >= 300 && took < 2000, `closed after ${took} ms`);
    assert.equal(server.sessionCount, 0);
  } finally {
    await silent.close();
    await mute.close();
    await server.close();
  }
  assert.match(logs.join("\n"), /no authentication within 300 ms/);
});

Deno.test("at most maxUnauthenticated connections are served before authentication; more wait to be accepted", async () => {
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: methods([]),
    maxUnauthenticated: 2,
    log: () => {},
  });
  const idle = await Promise.all([0, 1, 2, 3].map(() => Deno.connect({ port: server.port })));
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(server.unauthenticatedCount, 2);
    assert.equal(server.sessionCount, 2);
    // An authenticating client waits its turn: it gets in once two idle ones leave.
    const client = connectRpc(server.url, { secret, name: "late" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const c of idle.splice(0)) c.close();
    const late = await client;
    assert.equal(await late.call("echo", "in", { timeoutMs: 2000 }), "in");
    late.close();
    await late.closed;
  } finally {
    for (const c of idle) c.close();
    await server.close();
  }
});

Deno.test("a claimed name reaches the log printable and bounded: no newline, no escape code", async () => {
  const logs: string[] = [];
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: methods([]),
    log: (l) => logs.push(l),
  });
  const forged = "rank 1\nrpc: all fine\u001b[2J\u202e" + "x".repeat(200);
  const wrong = await connectRpc(server.url, {
    secret: new TextEncoder().encode("not the secret at all"),
    name: forged,
  }).catch((e) => e);
  assert.equal(wrong.name, "AuthError");
  const right = await connectRpc(server.url, { secret, name: forged });
  right.close();
  await right.closed;
  await server.close();
  assert.equal(logs.length, 1);
  for (const c of ["\n", "\u001b", "\u202e"]) assert.ok(!logs[0]!.includes(c), logs[0]!);
  assert.match(logs[0]!, /claims "rank 1\\x0arpc: all fine\\x1b\[2J\\u202ex+…"/);
  assert.ok(logs[0]!.length < 200, logs[0]!);
});

Deno.test("connectRpc refuses a frame over 1 KiB from a server that has not authenticated, on its header", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => socket.send(new Uint8Array(64 * 1024));
    return response;
  });
  const error = await connectRpc(`ws://127.0.0.1:${server.addr.port}`, { secret }).catch((e) => e);
  assert.equal(error.name, "AuthError");
  assert.match(error.message, /code 1009: message over 1024 bytes/);
  await server.shutdown();
});
