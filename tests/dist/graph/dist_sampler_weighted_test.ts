import assert from "node:assert/strict";
import { DeviceGraph } from "../../../engine/device_graph.ts";
import { DeviceEdgeWeights } from "../../../engine/edge_weights.ts";
import { LocalSampler } from "../../../engine/local_sampler.ts";
import { DistSampler } from "../../../dist/graph/dist_sampler.ts";
import { registerPartitionService } from "../../../dist/graph/partition_service.ts";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { MethodTable } from "../../../dist/rpc/method_table.ts";
import { RemoteError } from "../../../dist/rpc/remote_error.ts";
import type { RpcClient } from "../../../dist/rpc/rpc_client.ts";
import { serveRpc } from "../../../dist/rpc/serve_rpc.ts";
import { PARTITION_SAMPLE } from "../../../dist/graph/methods.ts";
import { batchEdges, readBatch } from "../../engine/_host_batch.ts";
import { memoryMesh, partitioned, SECRET, wholeGraph, wholeWeights } from "../_partitioned.ts";

Deno.test("weighted DistSampler over loopback sockets draws exactly what a weighted LocalSampler draws on the whole graph", async () => {
  const cluster = await partitioned(2, { scale: 0.002, edgeWeights: true });
  const servers = cluster.owned.map((owned, r) =>
    serveRpc({
      hostname: `127.0.0.${r + 2}`,
      port: 0,
      secret: SECRET,
      methods: registerPartitionService(new MethodTable(), owned),
      name: `rank ${r}`,
      log: () => {},
    })
  );
  const clients: RpcClient[] = [];
  const graph = wholeGraph(cluster.parts);
  const weights = wholeWeights(cluster.parts);
  const device = cluster.devices[0]!;
  const whole = DeviceGraph.upload(device, graph);
  const maxWeight = cluster.parts[0]!.meta.edgeWeights!.maxWeight;
  const wholeW = DeviceEdgeWeights.upload(device, graph, weights, { maxWeight });
  try {
    const toOne = await connectRpc(servers[1]!.url, { secret: SECRET, name: "rank 0" });
    const toZero = await connectRpc(servers[0]!.url, { secret: SECRET, name: "rank 1" });
    clients.push(toOne, toZero);
    const socketPeers = [[undefined, toOne], [toZero, undefined]];
    const fanouts = [5, 4, 3];
    const reference = new LocalSampler(device, whole, fanouts, wholeW);
    const uniform = new LocalSampler(device, whole, fanouts);
    const zero = new Set<string>();
    for (let v = 0; v < graph.numNodes; v++) {
      for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
        if (weights[e] === 0) zero.add(`${v} ${graph.indices[e]}`);
      }
    }
    assert.ok(zero.size > 100, `${zero.size} zero-weight edges`);
    for (let r = 0; r < 2; r++) {
      const sampler = new DistSampler({
        owned: cluster.owned[r]!,
        peers: socketPeers[r]!,
        fanouts,
        timeoutMs: 5000,
        weighted: true,
      });
      const seeds = cluster.parts[r]!.train.slice(0, 40);
      const got = await readBatch(cluster.devices[r]!, await sampler.sample(seeds, 23 + r));
      const want = await readBatch(device, await reference.sample(seeds, 23 + r));
      assert.deepStrictEqual(got, want);
      assert.ok(sampler.counts.local > 0 && sampler.counts.remote > 0, "both paths used");
      for (const [v, u] of batchEdges(got)) {
        assert.ok(!zero.has(`${v} ${u}`), `zero-weight edge ${v} <- ${u} drawn`);
      }
      const plain = await readBatch(device, await uniform.sample(seeds, 23 + r));
      assert.notDeepStrictEqual(got, plain, "weighted and uniform draws differ");
    }
    reference.release();
    uniform.release();
  } finally {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    await Promise.all(servers.map((s) => s.close()));
    wholeW.release();
    whole.release();
    await cluster.close();
  }
});

Deno.test("one weighted partition samples as a weighted LocalSampler on the original dataset's graph", async () => {
  const cluster = await partitioned(1, { scale: 0.001, edgeWeights: true });
  const device = cluster.devices[0]!;
  const data = cluster.dataset;
  const graph = DeviceGraph.upload(device, data.graph);
  const weights = DeviceEdgeWeights.upload(device, data.graph, data.edgeWeights!);
  try {
    // One partition keeps the dataset's ids: the partitioned and the original graph are the same.
    assert.deepEqual(cluster.parts[0]!.origIds, Int32Array.from(data.labels, (_, i) => i));
    const fanouts = [6, 3];
    const dist = new DistSampler({
      owned: cluster.owned[0]!,
      peers: [],
      fanouts,
      timeoutMs: 5000,
      weighted: true,
    });
    const local = new LocalSampler(device, graph, fanouts, weights);
    const seeds = data.split.train.slice(0, 50);
    assert.deepStrictEqual(
      await readBatch(device, await dist.sample(seeds, 4)),
      await readBatch(device, await local.sample(seeds, 4)),
    );
    local.release();
  } finally {
    weights.release();
    graph.release();
    await cluster.close();
  }
});

Deno.test("an owner without edge weights refuses a weighted sample, naming its partition", async () => {
  const cluster = await partitioned(2, { scale: 0.001 });
  const mesh = await memoryMesh(cluster.owned);
  try {
    const ids = Int32Array.of(cluster.parts[1]!.offset);
    const error = await mesh.peers[0]![1]!.call(PARTITION_SAMPLE, {
      ids,
      fanout: 2,
      seed: 1,
      weighted: true,
    }).catch((e) => e);
    assert.ok(error instanceof RemoteError, String(error));
    assert.match(error.remoteMessage, /partition 1, which was loaded without edge weights/);
    assert.throws(
      () =>
        new DistSampler({
          owned: cluster.owned[0]!,
          peers: mesh.peers[0]!,
          fanouts: [2],
          timeoutMs: 1000,
          weighted: true,
        }),
      /weighted sampling needs partition 0 uploaded with its edge weights/,
    );
  } finally {
    await mesh.close();
    await cluster.close();
  }
});
