import assert from "node:assert/strict";
import { decodeError, encodeError } from "../../../dist/worker/error_codec.ts";
import { ConnectionClosedError } from "../../../dist/rpc/connection_closed_error.ts";
import { RemoteError } from "../../../dist/rpc/remote_error.ts";
import { RpcTimeoutError } from "../../../dist/rpc/rpc_timeout_error.ts";

/** Through a real structured clone, as postMessage sends it. */
const across = (error: unknown) =>
  decodeError(structuredClone(encodeError(error)), "prepare", "partition server 0");

Deno.test("decodeError(encodeError()) keeps the class, message and fields of the RPC errors", () => {
  const timeout = across(new RpcTimeoutError("partition.sample", "rank 1", 500));
  assert.ok(timeout instanceof RpcTimeoutError);
  assert.equal(timeout.name, "RpcTimeoutError");
  assert.equal(timeout.peer, "rank 1");
  assert.equal(timeout.timeoutMs, 500);
  assert.match(timeout.message, /partition\.sample.*rank 1.*500 ms/);
  const closed = across(new ConnectionClosedError("partition.lookup", "rank 2", "gone"));
  assert.ok(closed instanceof ConnectionClosedError && closed.method === "partition.lookup");
  const remote = across(new RemoteError("m", "rank 3", "RangeError", "out", { missing: [1] }));
  assert.ok(remote instanceof RemoteError);
  assert.deepEqual(remote.data, { missing: [1] });
  assert.ok(across(new RangeError("bad id")) instanceof RangeError);
});

Deno.test("decodeError() makes an error of an unknown class a RemoteError carrying its name", () => {
  class PartitionFormatError extends Error {
    override readonly name = "PartitionFormatError";
  }
  const error = across(new PartitionFormatError("part_0/indices.bin: checksum mismatch"));
  assert.ok(error instanceof RemoteError);
  assert.equal(error.remoteName, "PartitionFormatError");
  assert.equal(error.peer, "partition server 0");
  assert.match(error.message, /checksum mismatch/);
  assert.equal(across("a thrown string").message, "a thrown string");
});
