import assert from "node:assert/strict";
import { z } from "zod";
import { callChecked } from "../../../dist/rpc/call_checked.ts";
import { ProtocolError } from "../../../dist/rpc/protocol_error.ts";

const answering = (answer: unknown) => ({ peer: "rank 4", call: () => Promise.resolve(answer) });
const schema = z.object({ rows: z.instanceof(Float32Array) });

Deno.test("callChecked() returns an answer that matches the response schema", async () => {
  const rows = new Float32Array([1, 2]);
  assert.equal((await callChecked(answering({ rows }), "partition.lookup", {}, schema)).rows, rows);
});

Deno.test("callChecked() rejects a malformed answer with a ProtocolError naming method and peer", async () => {
  const error = await callChecked(answering({ rows: [1, 2] }), "partition.lookup", {}, schema)
    .catch((e) => e);
  assert.ok(error instanceof ProtocolError, String(error));
  assert.match(error.message, /"partition\.lookup" from rank 4 answered a malformed payload/);
});

Deno.test("callChecked() passes the call's own error through unchanged", async () => {
  const failure = new RangeError("no such node");
  const peer = { peer: "rank 4", call: () => Promise.reject(failure) };
  assert.equal(await callChecked(peer, "partition.sample", {}, schema).catch((e) => e), failure);
});
