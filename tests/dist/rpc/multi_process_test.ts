import assert from "node:assert/strict";
import { AuthError } from "../../../dist/rpc/auth_error.ts";
import { ConnectionClosedError } from "../../../dist/rpc/connection_closed_error.ts";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { Fixture } from "../_spawn.ts";
import { PROTOCOL_VERSION } from "../../../dist/rpc/messages.ts";
import { RawClient } from "../_raw_client.ts";

const SECRET = "multi-process test secret";
const secret = new TextEncoder().encode(SECRET);

Deno.test("peers in separate processes on distinct loopback addresses serve calls; a killed one fails the pending call naming it", async () => {
  const a = new Fixture("rpc_peer.ts", ["127.0.0.2", "peer-a"], { WEBGNN_SECRET: SECRET });
  const b = new Fixture("rpc_peer.ts", ["127.0.0.3", "peer-b"], { WEBGNN_SECRET: SECRET });
  try {
    const [urlA, urlB] = await Promise.all([a.line(), b.line()]);
    assert.match(urlA, /^ws:\/\/127\.0\.0\.2:\d+$/);
    assert.match(urlB, /^ws:\/\/127\.0\.0\.3:\d+$/);
    const clientA = await connectRpc(urlA, { secret, name: "test" });
    const clientB = await connectRpc(urlB, { secret, name: "test" });
    assert.equal(await clientA.call("whoami", null), "peer-a");
    assert.equal(await clientB.call("whoami", null), "peer-b");

    const started = Date.now();
    const hanging = clientB.call("hang", null, { timeoutMs: 8000 }).catch((e) => e);
    await clientB.call("echo", "round trip so the hang has started");
    b.kill();
    const error = await hanging;
    assert.ok(error instanceof ConnectionClosedError, String(error));
    assert.match(error.message, /call "hang" to peer-b \(ws:\/\/127\.0\.0\.3:\d+\)/);
    assert.ok(Date.now() - started < 8000);

    const floats = Float32Array.from({ length: 1000 }, (_, i) => i / 3);
    assert.deepStrictEqual(await clientA.call("echo", floats), floats);
    clientA.close();
    await clientA.closed;
    await clientB.closed;
  } finally {
    a.kill();
    b.kill();
    await Promise.all([a.close(), b.close()]);
  }
});

Deno.test("a process-hosted server refuses a wrong or missing secret and runs nothing", async () => {
  const a = new Fixture("rpc_peer.ts", ["127.0.0.4", "peer-c"], { WEBGNN_SECRET: SECRET });
  try {
    const url = await a.line();
    const wrong = await connectRpc(url, {
      secret: new TextEncoder().encode("guessed secret 123"),
    }).catch((e) => e);
    assert.ok(wrong instanceof AuthError, String(wrong));
    const raw = await RawClient.open(url);
    raw.send({ v: PROTOCOL_VERSION, kind: "request", id: 1, method: "whoami", payload: null });
    await raw.closed;
    assert.deepStrictEqual(raw.received.map((m) => m.kind), ["challenge", "denied"]);
  } finally {
    await a.close();
  }
  assert.match(
    a.stderr,
    /refused connection from 127\.0\.0\.\d+:\d+: wrong shared secret \(claims "anonymous"\)/,
  );
  assert.match(a.stderr, /"request" sent before authentication/);
});
