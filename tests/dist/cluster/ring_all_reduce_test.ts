import assert from "node:assert/strict";
import { RingAllReduce } from "../../../dist/cluster/ring_all_reduce.ts";
import { RingMailbox } from "../../../dist/cluster/ring_mailbox.ts";
import { RpcTimeoutError } from "../../../dist/rpc/rpc_timeout_error.ts";
import { ringCluster } from "../_ring_cluster.ts";
import { rng } from "../../_random.ts";

const secret = new TextEncoder().encode("all-reduce test secret");

function inputs(size: number, length: number, seed: number): Float32Array[] {
  const rand = rng(seed);
  return Array.from({ length: size }, () => Float32Array.from({ length }, () => rand() * 2 - 1));
}

function assertReduced(results: Float32Array[], vectors: Float32Array[], mean: boolean): void {
  const n = vectors.length;
  const length = vectors[0]!.length;
  for (let i = 0; i < length; i++) {
    let exact = 0;
    let magnitude = 0;
    for (const v of vectors) {
      exact += v[i]!;
      magnitude += Math.abs(v[i]!);
    }
    if (mean) {
      exact /= n;
      magnitude /= n;
    }
    const got = results[0]![i]!;
    assert.ok(
      Math.abs(got - exact) <= 4 * n * 2 ** -23 * magnitude + 1e-30,
      `element ${i}: ${got} vs float64 ${exact}`,
    );
  }
  for (const result of results) assert.deepStrictEqual(result, results[0]); // bit-identical
}

Deno.test("ring all-reduce sums equal the float64 sums on every rank, for 1 to 8 ranks", async () => {
  for (let size = 1; size <= 8; size++) {
    const cluster = await ringCluster(size, secret, { chunkFloats: 64 });
    try {
      for (const length of [1, 7, 333]) {
        const vectors = inputs(size, length, size * 1000 + length);
        const results = vectors.map((v) => v.slice());
        await Promise.all(cluster.rings.map((ring, i) => ring.allReduce(results[i]!, "sum")));
        assertReduced(results, vectors, false);
      }
    } finally {
      await cluster.close();
    }
  }
});

Deno.test("ring all-reduce averages, in pieces, identically on repeated runs", async () => {
  const cluster = await ringCluster(4, secret, { chunkFloats: 1000 });
  try {
    const vectors = inputs(4, 20_011, 5);
    const first = vectors.map((v) => v.slice());
    await Promise.all(cluster.rings.map((ring, i) => ring.allReduce(first[i]!, "avg")));
    assertReduced(first, vectors, true);
    const second = vectors.map((v) => v.slice());
    await Promise.all(cluster.rings.map((ring, i) => ring.allReduce(second[i]!, "avg")));
    assert.deepStrictEqual(second, first);
  } finally {
    await cluster.close();
  }
});

Deno.test("ring all-reduce of an empty vector and of fewer elements than ranks", async () => {
  const cluster = await ringCluster(5, secret);
  try {
    for (const length of [0, 3]) {
      const vectors = inputs(5, length, 9);
      const results = vectors.map((v) => v.slice());
      await Promise.all(cluster.rings.map((ring, i) => ring.allReduce(results[i]!, "sum")));
      assertReduced(results, vectors, false);
    }
  } finally {
    await cluster.close();
  }
});

Deno.test("a rank that never joins the all-reduce makes the others time out naming their neighbour", async () => {
  const cluster = await ringCluster(3, secret, { timeoutMs: 150 });
  try {
    const vectors = inputs(3, 30, 1);
    const errors = await Promise.all(
      [0, 1].map((i) => cluster.rings[i]!.allReduce(vectors[i]!, "sum").catch((e) => e)),
    );
    // Rank 0 waits on rank 2 (its left), which never sends.
    assert.ok(errors[0] instanceof RpcTimeoutError, String(errors[0]));
    assert.match(errors[0].message, /ring 2/);
  } finally {
    await cluster.close();
  }
});

Deno.test("RingAllReduce rejects bad arguments", async () => {
  const mailbox = new RingMailbox("none");
  assert.throws(() => new RingAllReduce({ index: 2, size: 2, right: null, mailbox }), RangeError);
  assert.throws(() => new RingAllReduce({ index: 0, size: 2, right: null, mailbox }), TypeError);
  const solo = new RingAllReduce({ index: 0, size: 1, right: null, mailbox });
  await assert.rejects(solo.allReduce(new Float64Array(2) as never, "sum"), TypeError);
  await assert.rejects(solo.allReduce(new Float32Array(2), "max" as never), TypeError);
});

Deno.test("a ring receive that times out names the left neighbour's rank and address once known", async () => {
  const mailbox = new RingMailbox("rank 2");
  mailbox.left = "rank 2 (trainer at ws://127.0.0.4:5002)";
  const error = await mailbox.take(0, 0, 0, 20).catch((e) => e);
  assert.ok(error instanceof RpcTimeoutError);
  assert.match(error.message, /to rank 2 \(trainer at ws:\/\/127\.0\.0\.4:5002\) timed out/);
});
