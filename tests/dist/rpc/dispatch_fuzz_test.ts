// Fuzzing method dispatch on a real server: thousands of calls with unknown
// methods and wrongly typed payloads against the real services' schemas.
// Seeded (WEBGNN_FUZZ_SEED replays a run); prints its case counts.
import assert from "node:assert/strict";
import * as cluster from "../../../dist/cluster/methods.ts";
import * as serving from "../../../dist/serving/methods.ts";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { RemoteError } from "../../../dist/rpc/remote_error.ts";
import { serveRpc } from "../../../dist/rpc/serve_rpc.ts";
import { rng } from "../../_random.ts";
import { below, fuzzSeed, randomValue, wrongTyped } from "../_fuzz.ts";
import { realMethods } from "../_real_methods.ts";

const secret = new TextEncoder().encode("the fuzzed server's secret");

/** A payload for `method` that its schema may or may not accept. */
function payloadFor(r: () => number, method: string): unknown {
  const valid: Record<string, () => unknown> = {
    [cluster.RING_PUSH]: () => ({ op: 1, step: 0, piece: 2, from: 0, data: new Float32Array(8) }),
    [cluster.COORD_LEAVE]: () => ({ rank: below(r, 8) }),
    [serving.MINIBATCH_ATTACH]: () => ({ client: below(r, 4) }),
    [serving.MINIBATCH_DESCRIBE]: () => null,
    echo: () => randomValue(r),
  };
  const make = valid[method];
  if (make && r() < 0.3) return make();
  if (r() < 0.5) return wrongTyped(r);
  if (make && r() < 0.5) {
    // A valid payload with one field's value replaced.
    const base = make();
    if (base !== null && typeof base === "object") {
      const keys = Object.keys(base);
      if (keys.length > 0) {
        return { ...base, [keys[below(r, keys.length)]!]: randomValue(r) };
      }
    }
  }
  return randomValue(r);
}

Deno.test("fuzz: after authentication, thousands of calls with unknown methods and wrongly typed payloads are each answered with an error, and the connection stays up", async () => {
  const seed = fuzzSeed() + 3;
  const r = rng(seed);
  const ran = new Map<string, number>();
  const methods = realMethods(ran);
  const server = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods, log: () => {} });
  const client = await connectRpc(server.url, { secret, name: "fuzzer" });
  const names = [...methods.names(), "nope", "", "coord.join ", "ring.push\u0000", "x".repeat(300)];
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  let calls = 0;
  try {
    for (let batch = 0; batch < 15; batch++) {
      await Promise.all(Array.from({ length: 200 }, async () => {
        const method = r() < 0.9 ? names[below(r, names.length)]! : `m${below(r, 1e6)}`;
        const payload = payloadFor(r, method);
        calls++;
        try {
          await client.call(method, payload, { timeoutMs: 10_000 });
          count("answered");
        } catch (error) {
          if (error instanceof TypeError && (method === "" || method.length > 256)) {
            return void count("refused locally");
          }
          if (error instanceof RangeError) return void count("refused locally"); // too large to send
          assert.ok(error instanceof RemoteError, `${method}: ${(error as Error).stack}`);
          assert.ok(
            ["TypeError", "UnknownMethodError"].includes(error.remoteName),
            `${method}: ${error.remoteName}: ${error.message}`,
          );
          count(error.remoteName);
        }
      }));
    }
    assert.equal(await client.call("echo", "still up", { timeoutMs: 5000 }), "still up");
  } finally {
    client.close();
    await server.close();
  }
  console.log(
    `dispatch fuzz (seed ${seed}): ${calls} calls; ${
      [...outcomes].map(([k, n]) => `${n} ${k}`).join(", ")
    }; handlers ran ${[...ran.values()].reduce((a, b) => a + b, 0)} times, each on a valid payload`,
  );
});
