import assert from "node:assert/strict";
import { PARTITION_SAMPLE } from "../../../dist/graph/methods.ts";
import { z } from "zod";
import type { Device } from "../../../engine/device.ts";
import { DeviceGraph } from "../../../engine/device_graph.ts";
import type { CsrGraph } from "../../../engine/graph.ts";
import { LocalSampler } from "../../../engine/local_sampler.ts";
import type { MiniBatch } from "../../../engine/sample_blocks.ts";
import { ConnectionClosedError } from "../../../dist/rpc/connection_closed_error.ts";
import { DistSampler } from "../../../dist/graph/dist_sampler.ts";
import { memoryTransportPair } from "../../../dist/rpc/memory_transport_pair.ts";
import { MethodTable } from "../../../dist/rpc/method_table.ts";
import { RpcClient } from "../../../dist/rpc/rpc_client.ts";
import { RpcSession } from "../../../dist/rpc/rpc_session.ts";
import { RpcTimeoutError } from "../../../dist/rpc/rpc_timeout_error.ts";
import { memoryMesh, partitioned, SECRET, wholeGraph } from "../_partitioned.ts";

interface HostBatch {
  inputNodes: number[];
  blocks: { indptr: number[]; indices: number[] }[];
}

async function readBatch(device: Device, batch: MiniBatch): Promise<HostBatch> {
  const inputNodes = [...await device.read(batch.inputNodes, "i32", 0, batch.numInput)];
  const blocks = [];
  for (const b of batch.blocks) {
    const indptr = [...await device.read(b.indptr, "i32", 0, b.numDst + 1)];
    const indices = b.numEdges > 0 ? [...await device.read(b.indices, "i32", 0, b.numEdges)] : [];
    blocks.push({ indptr, indices });
  }
  batch.release();
  return { inputNodes, blocks };
}

/** Every block edge is a true edge; each node has min(fanout, degree) distinct neighbours. */
function assertTrueNeighbours(batch: HostBatch, graph: CsrGraph, fanouts: readonly number[]) {
  const hops = batch.blocks.length;
  for (let h = 0; h < hops; h++) {
    const block = batch.blocks[h]!;
    const fanout = fanouts[hops - 1 - h]!;
    for (let i = 0; i + 1 < block.indptr.length; i++) {
      const v = batch.inputNodes[i]!;
      const truth = new Set(graph.indices.subarray(graph.indptr[v]!, graph.indptr[v + 1]!));
      const got = block.indices.slice(block.indptr[i]!, block.indptr[i + 1]!).map((j) =>
        batch.inputNodes[j]!
      );
      assert.equal(new Set(got).size, got.length, `node ${v} got a neighbour twice`);
      assert.equal(got.length, Math.min(fanout, truth.size), `node ${v}: wrong neighbour count`);
      for (const u of got) assert.ok(truth.has(u), `${u} is not a neighbour of ${v}`);
    }
  }
}

for (const numPartitions of [2, 3]) {
  Deno.test(`DistSampler over ${numPartitions} partitions gives the blocks a one-node sampler gives on the whole graph`, async () => {
    const cluster = await partitioned(numPartitions);
    const mesh = await memoryMesh(cluster.owned);
    const graph = wholeGraph(cluster.parts);
    const device = cluster.devices[0]!;
    const whole = DeviceGraph.upload(device, graph);
    const fanouts = [5, 4, 3];
    try {
      const reference = new LocalSampler(device, whole, fanouts);
      for (let r = 0; r < numPartitions; r++) {
        const sampler = new DistSampler({
          owned: cluster.owned[r]!,
          peers: mesh.peers[r]!,
          fanouts,
          timeoutMs: 5000,
        });
        const seeds = cluster.parts[r]!.train.slice(0, 40);
        const got = await readBatch(cluster.devices[r]!, await sampler.sample(seeds, 17 + r));
        const want = await readBatch(device, await reference.sample(seeds, 17 + r));
        assert.deepStrictEqual(got, want);
        assertTrueNeighbours(got, graph, fanouts);
        assert.ok(sampler.counts.local > 0 && sampler.counts.remote > 0, "both paths used");
        assert.ok(sampler.counts.calls <= fanouts.length * (numPartitions - 1));
        const outside = new Int32Array([seeds[0]!, graph.numNodes]);
        const named = new RegExp(`seed ${graph.numNodes} at position 1 is not a node`);
        await assert.rejects(async () => await sampler.sample(outside, 1), named);
        await assert.rejects(async () => await reference.sample(outside, 1), named);
      }
    } finally {
      whole.release();
      await mesh.close();
      await cluster.close();
    }
  });
}

Deno.test("DistSampler samples remote neighbours with the same distribution as local ones", async () => {
  const cluster = await partitioned(2);
  const mesh = await memoryMesh(cluster.owned);
  const fanout = 4;
  try {
    // Nodes of partition 0 with more neighbours than the fan-out, split across both partitions.
    const part = cluster.parts[0]!;
    const split: number[] = [];
    for (let v = 0; v < part.graph.numNodes && split.length < 12; v++) {
      const nbrs = part.graph.indices.subarray(part.graph.indptr[v]!, part.graph.indptr[v + 1]!);
      const remote = nbrs.filter((u) => u >= part.partitionBook[1]!).length;
      if (nbrs.length >= 6 && nbrs.length <= 30 && remote > 0 && remote < nbrs.length) {
        split.push(part.offset + v);
      }
    }
    assert.equal(split.length, 12);
    const seeds = Int32Array.from(split);
    const draws = 400;
    const frequencies = async (rank: number, seedBase: number) => {
      const sampler = new DistSampler({
        owned: cluster.owned[rank]!,
        peers: mesh.peers[rank]!,
        fanouts: [fanout],
        timeoutMs: 5000,
      });
      const counts = split.map(() => new Map<number, number>());
      for (let k = 0; k < draws; k++) {
        const batch = await readBatch(
          cluster.devices[rank]!,
          await sampler.sample(seeds, seedBase + k),
        );
        const block = batch.blocks[0]!;
        for (let i = 0; i < seeds.length; i++) {
          for (let e = block.indptr[i]!; e < block.indptr[i + 1]!; e++) {
            const u = batch.inputNodes[block.indices[e]!]!;
            counts[i]!.set(u, (counts[i]!.get(u) ?? 0) + 1);
          }
        }
      }
      return { counts, sampler };
    };
    const local = await frequencies(0, 1000);
    const remote = await frequencies(1, 90_000);
    assert.equal(local.sampler.counts.remote, 0);
    assert.equal(remote.sampler.counts.local, 0);
    // Two-sample chi-square per node over its neighbours; without replacement
    // the counts vary less than multinomial ones, so the bound is conservative.
    const chiSquare = (a: Map<number, number>, b: Map<number, number>) => {
      let stat = 0;
      for (const u of new Set([...a.keys(), ...b.keys()])) {
        const x = a.get(u) ?? 0;
        const y = b.get(u) ?? 0;
        stat += (x - y) ** 2 / (x + y);
      }
      return stat;
    };
    const bound = (df: number) => df + 5 * Math.sqrt(2 * df) + 5;
    for (let i = 0; i < seeds.length; i++) {
      const v = seeds[i]! - part.offset;
      const degree = part.graph.indptr[v + 1]! - part.graph.indptr[v]!;
      assert.equal(local.counts[i]!.size, degree, `every neighbour of ${seeds[i]} drawn locally`);
      assert.equal(remote.counts[i]!.size, degree, `every neighbour of ${seeds[i]} drawn remotely`);
      const stat = chiSquare(local.counts[i]!, remote.counts[i]!);
      assert.ok(stat < bound(degree - 1), `node ${seeds[i]}: chi-square ${stat.toFixed(1)}`);
      // Against the uniform expectation too.
      const expected = (draws * fanout) / degree;
      let uniform = 0;
      for (const c of remote.counts[i]!.values()) uniform += (c - expected) ** 2 / expected;
      assert.ok(uniform < bound(degree - 1), `node ${seeds[i]}: ${uniform.toFixed(1)} vs uniform`);
      // The test has power: a sampler biased to the first neighbours fails it.
      const biased = new Map<number, number>();
      const nbrs = part.graph.indices.subarray(part.graph.indptr[v]!, part.graph.indptr[v + 1]!);
      for (const u of nbrs.subarray(0, fanout)) biased.set(u, draws);
      assert.ok(chiSquare(local.counts[i]!, biased) > bound(degree - 1));
    }
  } finally {
    await mesh.close();
    await cluster.close();
  }
});

Deno.test("DistSampler fails naming the peer when an owner is gone or does not answer in time", async () => {
  const cluster = await partitioned(2, { scale: 0.001 });
  const mesh = await memoryMesh(cluster.owned);
  const seeds = cluster.parts[0]!.train.slice(0, 30);
  try {
    // Dead: the connection to partition 1's owner has closed.
    mesh.peers[0]![1]!.close("owner died");
    const dead = new DistSampler({
      owned: cluster.owned[0]!,
      peers: mesh.peers[0]!,
      fanouts: [5, 5],
      timeoutMs: 2000,
    });
    const started = Date.now();
    const error = await dead.sample(seeds, 1).catch((e) => e);
    assert.ok(error instanceof ConnectionClosedError, String(error));
    assert.match(error.message, /partition\.sample.*rank 1/);
    assert.ok(Date.now() - started < 2000);

    // Hung: the owner accepts the call and never answers.
    const hung = new MethodTable().register(
      PARTITION_SAMPLE,
      z.unknown(),
      (_, ctx) => new Promise((resolve) => ctx.signal.addEventListener("abort", resolve)),
    );
    const [near, far] = memoryTransportPair("rank 0", "127.0.0.9:7000");
    const session = new RpcSession(far, {
      secret: SECRET,
      methods: hung,
      name: "rank 1",
      log: () => {},
    });
    const client = await RpcClient.open(near, { secret: SECRET, name: "rank 0" });
    const slow = new DistSampler({
      owned: cluster.owned[0]!,
      peers: [undefined, client],
      fanouts: [5, 5],
      timeoutMs: 300,
    });
    const t0 = Date.now();
    const timeout = await slow.sample(seeds, 1).catch((e) => e);
    assert.ok(timeout instanceof RpcTimeoutError, String(timeout));
    assert.match(timeout.message, /rank 1 \(127\.0\.0\.9:7000\)/);
    assert.ok(Date.now() - t0 < 2000);
    client.close();
    await session.done;
  } finally {
    await mesh.close();
    await cluster.close();
  }
});
