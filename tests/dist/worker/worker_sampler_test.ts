import assert from "node:assert/strict";
import { CpuDevice } from "../../../engine/cpu_device.ts";
import { LocalMinibatchSource } from "../../../engine/local_minibatch_source.ts";
import type { PreparedMinibatch } from "../../../engine/minibatch_source.ts";
import { DistFeatureStore } from "../../../dist/graph/dist_feature_store.ts";
import { DistSampler } from "../../../dist/graph/dist_sampler.ts";
import { PartitionServer } from "../../../dist/worker/partition_server.ts";
import { ConnectionClosedError } from "../../../dist/rpc/connection_closed_error.ts";
import { RpcTimeoutError } from "../../../dist/rpc/rpc_timeout_error.ts";
import { WorkerSampler } from "../../../dist/worker/worker_sampler.ts";
import type { Device } from "../../../engine/device.ts";
import { memoryMesh, partitioned, SECRET } from "../_partitioned.ts";

/** Every block and the input ids and features of a minibatch, as host arrays; releases it. */
async function hostBatch(device: Device, batch: PreparedMinibatch, dim: number) {
  const blocks = [];
  for (const b of batch.blocks) {
    blocks.push({
      numDst: b.numDst,
      numSrc: b.numSrc,
      indptr: await device.read(b.indptr, "i32", 0, b.numDst + 1),
      indices: await device.read(b.indices, "i32", 0, b.numEdges),
    });
  }
  const result = {
    numSeeds: batch.numSeeds,
    blocks,
    inputNodes: await device.read(batch.inputNodes, "i32", 0, batch.numInput),
    features: await device.read(batch.inputs, "f32", 0, batch.numInput * dim),
  };
  batch.release();
  return result;
}

async function startServers(dir: string, count: number): Promise<PartitionServer[]> {
  const servers: PartitionServer[] = [];
  for (let r = 0; r < count; r++) {
    servers.push(
      await PartitionServer.start({
        dir,
        partition: r,
        hostname: "127.0.0.1",
        secret: SECRET,
        name: `partition ${r}`,
        timeoutMs: 60_000, // a Worker loads its modules first: slow on a loaded machine
      }),
    );
  }
  return servers;
}

Deno.test("WorkerSampler gives the same blocks and features as DistSampler and DistFeatureStore in the trainer", async () => {
  const cluster = await partitioned(2, { cacheRatio: 0.2 });
  const mesh = await memoryMesh(cluster.owned);
  const servers = await startServers(cluster.dir, 2);
  const device = new CpuDevice({ threads: 1, blas: false });
  const dim = cluster.dataset.featureDim;
  try {
    const fanouts = [5, 4, 3];
    const source = await WorkerSampler.connect({
      device,
      server: servers[0]!,
      peers: [undefined, servers[1]!.url],
      secret: SECRET,
      fanouts,
      dim,
      numNodes: cluster.dataset.graph.numNodes,
      timeoutMs: 5000,
    });
    const options = { owned: cluster.owned[0]!, peers: mesh.peers[0]!, timeoutMs: 5000 };
    const store = new DistFeatureStore(options);
    const reference = new LocalMinibatchSource(
      cluster.devices[0]!,
      new DistSampler({ ...options, fanouts }),
      store,
    );
    const seeds = cluster.parts[0]!.train.slice(0, 40);
    // Two minibatches in flight at once, as under prefetch.
    const [a, b] = await Promise.all([source.next(seeds, 7), source.next(seeds, 8)]);
    assert.ok(a.sampleMs > 0 && a.featureMs > 0, "the Worker's phase times come along");
    const got = [await hostBatch(device, b, dim), await hostBatch(device, a, dim)];
    for (const [k, seed] of [8, 7].entries()) {
      const want = await hostBatch(cluster.devices[0]!, await reference.next(seeds, seed), dim);
      assert.deepStrictEqual(got[k], want, `minibatch of seed ${seed}`);
      assert.ok(!got[k]!.features.some(Number.isNaN));
      assert.ok(store.counts.remote > 0, "some rows came from the other partition");
    }
    await assert.rejects(() => source.next(new Int32Array([-1]), 1), /seed -1 at position 0/);
  } finally {
    device.destroy();
    for (const s of servers) await s.close();
    await mesh.close();
    await cluster.close();
  }
});

Deno.test("WorkerSampler rejects a minibatch with an error naming the partition whose owner is gone", async () => {
  const cluster = await partitioned(2);
  const servers = await startServers(cluster.dir, 2);
  const device = new CpuDevice({ threads: 1, blas: false });
  try {
    const source = await WorkerSampler.connect({
      device,
      server: servers[0]!,
      peers: [undefined, servers[1]!.url],
      secret: SECRET,
      fanouts: [5, 5],
      dim: cluster.dataset.featureDim,
      numNodes: cluster.dataset.graph.numNodes,
      timeoutMs: 2000,
    });
    await servers[1]!.close();
    const error = await source.next(cluster.parts[0]!.train.slice(0, 40), 1).catch((e) => e);
    assert.ok(error instanceof ConnectionClosedError, String(error));
    assert.match(error.message, /partition 1/);
  } finally {
    device.destroy();
    await servers[0]!.close();
    await cluster.close();
  }
});

Deno.test("PartitionServer refuses a second start and a second connect, and keeps serving", async () => {
  const cluster = await partitioned(2);
  const servers = await startServers(cluster.dir, 2);
  try {
    const connect = {
      peers: [undefined, servers[1]!.url],
      secret: SECRET,
      fanouts: [5],
      timeoutMs: 5000,
    };
    await servers[0]!.connect(connect);
    await assert.rejects(() => servers[0]!.connect(connect), /already connected/);
    const prepared = await servers[0]!.prepare(cluster.parts[0]!.train.slice(0, 10), 1, 5000);
    assert.equal(prepared.numSeeds, 10);
  } finally {
    for (const s of servers) await s.close();
    await cluster.close();
  }
});

Deno.test("PartitionServer.prepare() gives up after its timeout with an RpcTimeoutError naming the server", async () => {
  const cluster = await partitioned(2);
  const servers = await startServers(cluster.dir, 2);
  try {
    await servers[0]!.connect({
      peers: [undefined, servers[1]!.url],
      secret: SECRET,
      fanouts: [5, 5],
      timeoutMs: 5000,
    });
    const error = await servers[0]!.prepare(cluster.parts[0]!.train, 1, 1).catch((e) => e);
    assert.ok(error instanceof RpcTimeoutError, String(error));
    assert.match(error.message, /"prepare" to partition 0 timed out after 1 ms/);
  } finally {
    for (const s of servers) await s.close();
    await cluster.close();
  }
});
