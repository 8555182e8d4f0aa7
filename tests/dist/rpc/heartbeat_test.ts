// Heartbeats and bounded closes: a peer that is stopped (not dead: its
// sockets stay open) is noticed within the peer timeout even when no call is
// pending, by the client and by the server, and a server's close never waits
// on a peer that does not answer.
import assert from "node:assert/strict";
import { z } from "npm:zod@4.6.7";
import { ConnectionClosedError } from "../../../dist/rpc/connection_closed_error.ts";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { registerHeartbeat } from "../../../dist/rpc/heartbeat.ts";
import { MethodTable } from "../../../dist/rpc/method_table.ts";
import { PROTOCOL_VERSION } from "../../../dist/rpc/messages.ts";
import { serveRpc } from "../../../dist/rpc/serve_rpc.ts";
import { Fixture } from "../_spawn.ts";
import { RawClient } from "../_raw_client.ts";

const secret = new TextEncoder().encode("heartbeat test secret");
const SECRET_ENV = { WEBGNN_SECRET: "heartbeat test secret" };

Deno.test("a client's heartbeat keeps a quiet connection open, and a stopped server fails its pending call within the peer timeout, naming it", async () => {
  const peer = new Fixture("rpc_peer.ts", ["127.0.0.3", "rank 7"], SECRET_ENV);
  try {
    const url = await peer.line();
    // The fixture's "whoami" answers a null payload at once: a heartbeat.
    const client = await connectRpc(url, {
      secret,
      heartbeat: { method: "whoami", peerTimeoutMs: 500 },
    });
    await new Promise((r) => setTimeout(r, 1500)); // three peer timeouts without a call
    assert.equal(await client.call("echo", 5, { timeoutMs: 2000 }), 5, "still open");
    const pending = client.call("hang", null, { timeoutMs: 30_000 });
    const t0 = performance.now();
    peer.child.kill("SIGSTOP");
    const error = await pending.catch((e) => e);
    const ms = performance.now() - t0;
    peer.child.kill("SIGCONT");
    assert.ok(error instanceof ConnectionClosedError, String(error));
    assert.match(error.message, /to rank 7 \(ws:\/\/127\.0\.0\.3:\d+\) failed/);
    assert.match(error.message, /more than the peer timeout of 500 ms: it is stopped, hung/);
    // Found between the peer timeout and a fifth more, plus scheduling on a busy machine.
    assert.ok(ms >= 450 && ms < 3000, `noticed after ${ms} ms`);
    assert.match(await client.closed, /peer timeout/);
  } finally {
    peer.child.kill("SIGCONT");
    await peer.close();
  }
});

Deno.test("a session drops an authenticated client that goes silent, telling its running handlers why", async () => {
  const aborted = Promise.withResolvers<string>();
  const methods = registerHeartbeat(new MethodTable(), "test.heartbeat").register(
    "hang",
    z.null(),
    (_, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener("abort", () => {
          aborted.resolve(String(ctx.signal.reason?.message));
          resolve(null);
        });
      }),
  );
  const logs: string[] = [];
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods,
    peerTimeoutMs: 300,
    log: (l) => logs.push(l),
  });
  const raw = await RawClient.open(server.url);
  await raw.authenticate(secret);
  raw.send({ v: PROTOCOL_VERSION, kind: "request", id: 1, method: "hang", payload: null });
  // The raw client sends nothing more: no heartbeat.
  const reason = await aborted.promise;
  assert.match(reason, /sent nothing for \d+ ms, more than the peer timeout of 300 ms/);
  assert.equal(await raw.closed, 4003);
  assert.match(logs.join("\n"), /rpc: dropped raw \(127\.0\.0\.1:\d+\): sent nothing/);
  await server.close();
});

Deno.test("a client that calls the heartbeat is never dropped by a session with a peer timeout", async () => {
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: registerHeartbeat(new MethodTable(), "test.heartbeat"),
    peerTimeoutMs: 300,
  });
  const client = await connectRpc(server.url, {
    secret,
    heartbeat: { method: "test.heartbeat", peerTimeoutMs: 300 },
  });
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(server.sessionCount, 1);
  assert.equal(await client.call("test.heartbeat", null, { timeoutMs: 1000 }), null);
  client.close();
  await client.closed;
  await server.close();
});

Deno.test("close() drops connections that never answer the close within its grace period and stops listening", async () => {
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: new MethodTable(),
    closeGraceMs: 300,
    log: () => {},
  });
  // One upgraded to a WebSocket that then reads and answers nothing; one that never said a word.
  const upgraded = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await upgraded.write(
    new TextEncoder().encode(
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    ),
  );
  await upgraded.read(new Uint8Array(4096));
  const silent = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.sessionCount, 2);
  const t0 = performance.now();
  await server.close();
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `close took ${ms} ms`);
  assert.equal(server.sessionCount, 0);
  const again = Deno.listen({ hostname: "127.0.0.1", port: server.port });
  again.close();
  upgraded.close();
  silent.close();
});

Deno.test("a process whose own event loop was held up longer than the peer timeout does not blame its peers", async () => {
  const server = serveRpc({
    hostname: "127.0.0.1",
    port: 0,
    secret,
    methods: registerHeartbeat(new MethodTable(), "test.heartbeat"),
    peerTimeoutMs: 300,
  });
  const client = await connectRpc(server.url, {
    secret,
    heartbeat: { method: "test.heartbeat", peerTimeoutMs: 300 },
  });
  // A long synchronous step: neither this end's client nor its server reads a frame meanwhile.
  const until = performance.now() + 1000;
  while (performance.now() < until) { /* busy */ }
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(server.sessionCount, 1, "the session stayed");
  assert.equal(await client.call("test.heartbeat", null, { timeoutMs: 1000 }), null);
  client.close();
  await client.closed;
  await server.close();
});
