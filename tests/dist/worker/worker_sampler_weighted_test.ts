import assert from "node:assert/strict";
import { CpuDevice } from "../../../engine/cpu_device.ts";
import { DeviceGraph } from "../../../engine/device_graph.ts";
import { DeviceEdgeWeights } from "../../../engine/edge_weights.ts";
import { LocalSampler } from "../../../engine/local_sampler.ts";
import { PartitionServer } from "../../../dist/worker/partition_server.ts";
import { WorkerSampler } from "../../../dist/worker/worker_sampler.ts";
import { batchEdges, readBatch } from "../../engine/_host_batch.ts";
import { partitioned, SECRET, wholeGraph, wholeWeights } from "../_partitioned.ts";

Deno.test("weighted WorkerSampler: partition-server Workers draw by weight as one node does, never a zero-weight edge", async () => {
  const cluster = await partitioned(2, { edgeWeights: true });
  const servers: PartitionServer[] = [];
  const device = new CpuDevice({ threads: 1, blas: false });
  const graph = wholeGraph(cluster.parts);
  const weights = wholeWeights(cluster.parts);
  const whole = DeviceGraph.upload(device, graph);
  const wholeW = DeviceEdgeWeights.upload(device, graph, weights, {
    maxWeight: cluster.parts[0]!.meta.edgeWeights!.maxWeight,
  });
  try {
    for (let r = 0; r < 2; r++) {
      servers.push(
        await PartitionServer.start({
          dir: cluster.dir,
          partition: r,
          hostname: "127.0.0.1",
          secret: SECRET,
          name: `partition ${r}`,
          timeoutMs: 60_000, // a Worker loads its modules first: slow on a loaded machine
          edgeWeights: true,
        }),
      );
    }
    const fanouts = [5, 4];
    const source = await WorkerSampler.connect({
      device,
      server: servers[1]!,
      peers: [servers[0]!.url, undefined],
      secret: SECRET,
      fanouts,
      dim: cluster.dataset.featureDim,
      numNodes: graph.numNodes,
      timeoutMs: 5000,
      weighted: true,
    });
    const reference = new LocalSampler(device, whole, fanouts, wholeW);
    const seeds = cluster.parts[1]!.train.slice(0, 60);
    const got = await readBatch(device, await source.next(seeds, 9));
    assert.deepStrictEqual(got, await readBatch(device, await reference.sample(seeds, 9)));
    const zero = new Set<string>();
    for (let v = 0; v < graph.numNodes; v++) {
      for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
        if (weights[e] === 0) zero.add(`${v} ${graph.indices[e]}`);
      }
    }
    for (const [v, u] of batchEdges(got)) {
      assert.ok(!zero.has(`${v} ${u}`), `zero-weight edge ${v} <- ${u} drawn`);
    }
    reference.release();
  } finally {
    for (const s of servers) await s.close();
    wholeW.release();
    whole.release();
    device.destroy();
    await cluster.close();
  }
});

Deno.test("a partition server asked for edge weights its directory lacks fails to start, naming the partition", async () => {
  const cluster = await partitioned(2, { scale: 0.001 });
  try {
    await assert.rejects(
      () =>
        PartitionServer.start({
          dir: cluster.dir,
          partition: 1,
          hostname: "127.0.0.1",
          secret: SECRET,
          name: "partition 1",
          timeoutMs: 60_000,
          edgeWeights: true,
        }),
      /partition 1 has no edge weights/,
    );
  } finally {
    await cluster.close();
  }
});
