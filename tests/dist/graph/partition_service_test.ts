import assert from "node:assert/strict";
import { PARTITION_LOOKUP, PARTITION_SAMPLE } from "../../../dist/graph/methods.ts";
import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import { DistFeatureStore } from "../../../dist/graph/dist_feature_store.ts";
import { DistSampler } from "../../../dist/graph/dist_sampler.ts";
import { MethodTable } from "../../../dist/rpc/method_table.ts";
import { registerPartitionService } from "../../../dist/graph/partition_service.ts";
import { RemoteError } from "../../../dist/rpc/remote_error.ts";
import type { RpcClient } from "../../../dist/rpc/rpc_client.ts";
import { serveRpc } from "../../../dist/rpc/serve_rpc.ts";
import { memoryMesh, origId, partitioned, SECRET } from "../_partitioned.ts";

Deno.test("the partition service answers owned ids and names a non-owned id in its error", async () => {
  const cluster = await partitioned(2, { scale: 0.001 });
  const mesh = await memoryMesh(cluster.owned);
  try {
    const client = mesh.peers[0]![1]!;
    const part = cluster.parts[1]!;
    const ids = Int32Array.from([0, 3, 1], (k) => part.offset + k);
    const hop = await client.call(PARTITION_SAMPLE, { ids, fanout: 3, seed: 9 }) as {
      offsets: Int32Array;
      neighbors: Int32Array;
    };
    assert.deepStrictEqual(hop, await cluster.owned[1]!.sample(ids, 3, 9));
    for (let k = 0; k < ids.length; k++) {
      const v = ids[k]! - part.offset;
      const truth = new Set(
        part.graph.indices.subarray(part.graph.indptr[v]!, part.graph.indptr[v + 1]!),
      );
      for (const u of hop.neighbors.subarray(hop.offsets[k]!, hop.offsets[k + 1]!)) {
        assert.ok(truth.has(u));
      }
    }
    const { rows } = await client.call(PARTITION_LOOKUP, { ids }) as { rows: Float32Array };
    const dim = cluster.dataset.featureDim;
    for (let k = 0; k < ids.length; k++) {
      const o = origId(cluster.parts, ids[k]!);
      assert.deepStrictEqual(
        rows.subarray(k * dim, (k + 1) * dim),
        cluster.dataset.features.subarray(o * dim, (o + 1) * dim),
      );
    }
    for (const method of [PARTITION_SAMPLE, PARTITION_LOOKUP]) {
      const error = await client.call(method, {
        ids: new Int32Array([part.offset, 2]),
        fanout: 2,
        seed: 1,
      })
        .catch((e) => e);
      assert.ok(error instanceof RemoteError, String(error));
      assert.equal(error.remoteName, "RangeError");
      assert.match(error.remoteMessage, /node 2 \(position 1\) is not owned by partition 1/);
    }
    const bad = await client.call(PARTITION_SAMPLE, { ids: [1, 2], fanout: 2, seed: 1 }).catch((
      e,
    ) => e);
    assert.ok(bad instanceof RemoteError && bad.remoteName === "TypeError", String(bad));
    assert.match(bad.message, /expected Int32Array/);
  } finally {
    await mesh.close();
    await cluster.close();
  }
});

Deno.test("DistSampler and DistFeatureStore work over real sockets on two loopback addresses", async () => {
  const cluster = await partitioned(2, { scale: 0.001, cacheRatio: 0.1 });
  const mesh = await memoryMesh(cluster.owned); // the reference: the same over memory
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
  try {
    const toOne = await connectRpc(servers[1]!.url, { secret: SECRET, name: "rank 0" });
    const toZero = await connectRpc(servers[0]!.url, { secret: SECRET, name: "rank 1" });
    clients.push(toOne, toZero);
    assert.match(toOne.peer, /^rank 1 \(ws:\/\/127\.0\.0\.3:\d+\)$/);
    const socketPeers = [[undefined, toOne], [toZero, undefined]];
    for (let r = 0; r < 2; r++) {
      const device = cluster.devices[r]!;
      const seeds = cluster.parts[r]!.train.slice(0, 30);
      const run = async (peers: readonly (RpcClient | undefined)[]) => {
        const options = { owned: cluster.owned[r]!, peers, timeoutMs: 5000 };
        const batch = await new DistSampler({ ...options, fanouts: [4, 4] }).sample(seeds, 5);
        const store = new DistFeatureStore(options);
        const out = device.createBuffer(batch.numInput * store.dim * 4, "features");
        await store.gather(batch.inputNodes, batch.numInput, out);
        const result = {
          nodes: await device.read(batch.inputNodes, "i32", 0, batch.numInput),
          features: await device.read(out, "f32", 0, batch.numInput * store.dim),
          counts: store.counts,
        };
        device.release(out);
        batch.release();
        return result;
      };
      const overSockets = await run(socketPeers[r]!);
      assert.ok(overSockets.counts.remote > 0);
      assert.deepStrictEqual(overSockets, await run(mesh.peers[r]!));
    }
  } finally {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    await Promise.all(servers.map((s) => s.close()));
    await mesh.close();
    await cluster.close();
  }
});
