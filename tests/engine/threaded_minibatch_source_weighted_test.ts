import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceEdgeWeights } from "../../engine/edge_weights.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { ThreadedMinibatchSource } from "../../engine/threaded_minibatch_source.ts";
import { batchEdges, readBatch } from "./_host_batch.ts";

Deno.test("ThreadedMinibatchSource with edge weights draws in its Worker what a weighted LocalSampler draws, never a zero-weight edge", async () => {
  const data = generateSynthetic({ scale: 0.001, seed: 3, quiet: true, edgeWeights: true });
  const { graph, edgeWeights } = data;
  const device = new CpuDevice({ threads: 1, blas: false });
  const deviceGraph = DeviceGraph.upload(device, graph);
  const weights = DeviceEdgeWeights.upload(device, graph, edgeWeights!);
  const fanouts = [5, 3];
  const reference = new LocalSampler(device, deviceGraph, fanouts, weights);
  const threaded = await ThreadedMinibatchSource.start({
    device,
    graph,
    features: data.features,
    dim: data.featureDim,
    fanouts,
    edgeWeights: edgeWeights!,
  });
  try {
    const zero = new Set<string>();
    for (let v = 0; v < graph.numNodes; v++) {
      for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
        if (edgeWeights![e] === 0) zero.add(`${v} ${graph.indices[e]}`);
      }
    }
    assert.ok(zero.size > 1000, `${zero.size} zero-weight edges`);
    for (const seed of [1, 2]) {
      const seeds = data.split.train.slice(0, 150);
      const got = await readBatch(device, await threaded.next(seeds, seed));
      assert.deepStrictEqual(got, await readBatch(device, await reference.sample(seeds, seed)));
      for (const [v, u] of batchEdges(got)) {
        assert.ok(!zero.has(`${v} ${u}`), `zero-weight edge ${v} <- ${u} drawn`);
      }
    }
    await assert.rejects(
      () =>
        ThreadedMinibatchSource.start({
          device,
          graph,
          features: data.features,
          dim: data.featureDim,
          fanouts,
          edgeWeights: edgeWeights!.subarray(1),
        }),
      /ThreadedMinibatchSource: \d+ edge weights for \d+ edges/,
    );
  } finally {
    await threaded.close();
    reference.release();
    weights.release();
    deviceGraph.release();
    device.destroy();
  }
});
