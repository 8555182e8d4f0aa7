import assert from "node:assert/strict";
import { DistFeatureStore } from "../../../dist/graph/dist_feature_store.ts";
import { DistSampler } from "../../../dist/graph/dist_sampler.ts";
import { memoryMesh, origId, partitioned } from "../_partitioned.ts";

for (const numPartitions of [2, 3]) {
  Deno.test(`DistFeatureStore over ${numPartitions} partitions gathers the dataset's rows of local, cached and remote nodes`, async () => {
    const cluster = await partitioned(numPartitions, { cacheRatio: 0.2 });
    const mesh = await memoryMesh(cluster.owned);
    const { dataset, parts } = cluster;
    const dim = dataset.featureDim;
    try {
      for (let r = 0; r < numPartitions; r++) {
        const device = cluster.devices[r]!;
        const options = { owned: cluster.owned[r]!, peers: mesh.peers[r]!, timeoutMs: 5000 };
        const sampler = new DistSampler({ ...options, fanouts: [5, 5] });
        const store = new DistFeatureStore(options);
        const batch = await sampler.sample(parts[r]!.train.slice(0, 50), 3);
        const out = device.createBuffer(batch.numInput * dim * 4, "features");
        device.write(out, new Float32Array(batch.numInput * dim).fill(Number.NaN));
        await store.gather(batch.inputNodes, batch.numInput, out);
        const ids = await device.read(batch.inputNodes, "i32", 0, batch.numInput);
        const got = await device.read(out, "f32", 0, batch.numInput * dim);
        for (let i = 0; i < ids.length; i++) {
          const o = origId(parts, ids[i]!);
          assert.deepStrictEqual(
            got.subarray(i * dim, (i + 1) * dim),
            dataset.features.subarray(o * dim, (o + 1) * dim),
            `row of node ${ids[i]} (dataset id ${o})`,
          );
        }
        const { local, cached, remote, calls } = store.counts;
        assert.equal(local + cached + remote, batch.numInput);
        assert.ok(local > 0 && cached > 0 && remote > 0, JSON.stringify(store.counts));
        assert.ok(calls <= numPartitions - 1);
        store.resetCounts();
        assert.deepStrictEqual(store.counts, { local: 0, cached: 0, remote: 0, calls: 0 });
        device.release(out);
        batch.release();
      }
    } finally {
      await mesh.close();
      await cluster.close();
    }
  });
}

Deno.test("DistFeatureStore fails naming the peer when an owner is gone", async () => {
  const cluster = await partitioned(2, { scale: 0.001, cacheRatio: 0 });
  const mesh = await memoryMesh(cluster.owned);
  try {
    const device = cluster.devices[0]!;
    mesh.peers[0]![1]!.close("owner died");
    const store = new DistFeatureStore({
      owned: cluster.owned[0]!,
      peers: mesh.peers[0]!,
      timeoutMs: 1000,
    });
    const ids = device.createBuffer(8, "ids");
    device.write(ids, new Int32Array([0, cluster.parts[1]!.offset]));
    const out = device.createBuffer(2 * store.dim * 4, "out");
    const error = await store.gather(ids, 2, out).catch((e) => e);
    assert.match(String(error), /partition\.lookup.*rank 1/);
    device.release(ids);
    device.release(out);
  } finally {
    await mesh.close();
    await cluster.close();
  }
});
