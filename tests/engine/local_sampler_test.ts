import assert from "node:assert/strict";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceEdgeWeights } from "../../engine/edge_weights.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import { nodeDataset } from "../../engine/node_dataset.ts";
import { rng, withDevices } from "../_devices.ts";
import { batchEdges, readBatch } from "./_host_batch.ts";

/** A random undirected graph whose edges into odd nodes weigh 0 one way in three. */
function weightedDataset(numNodes: number, numEdges: number, seed: number) {
  const r = rng(seed);
  const edges: [number, number][] = [];
  const weights: number[] = [];
  for (let e = 0; e < numEdges; e++) {
    const s = Math.floor(r() * numNodes);
    const t = (s + 1 + Math.floor(r() * (numNodes - 1))) % numNodes;
    edges.push([s, t]);
    weights.push(r() < 0.3 ? 0 : 0.5 + r() * 4);
  }
  return nodeDataset({
    edges,
    edgeWeights: weights,
    features: new Float32Array(numNodes),
    featureDim: 1,
  });
}

Deno.test("LocalSampler with weights never draws a zero-weight edge, at any hop, and backends agree", async () => {
  const data = weightedDataset(300, 3000, 5);
  const weights = data.edgeWeights!;
  const zero = new Set<string>();
  const positive = new Set<string>();
  for (let v = 0; v < data.graph.numNodes; v++) {
    for (let e = data.graph.indptr[v]!; e < data.graph.indptr[v + 1]!; e++) {
      (weights[e] === 0 ? zero : positive).add(`${v} ${data.graph.indices[e]}`);
    }
  }
  assert.ok(zero.size > 500);
  const seeds = Int32Array.from({ length: 40 }, (_, i) => i * 7);
  const fanouts = [6, 4, 3];
  await withDevices(async (cpu, gpu) => {
    const results = [];
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const graph = DeviceGraph.upload(device, data.graph);
      const w = DeviceEdgeWeights.upload(device, data.graph, weights);
      const weighted = new LocalSampler(device, graph, fanouts, w);
      const uniform = new LocalSampler(device, graph, fanouts);
      const got = await readBatch(device, await weighted.sample(seeds, 11));
      const plain = await readBatch(device, await uniform.sample(seeds, 11));
      for (const [v, u] of batchEdges(got)) {
        // A pair both zero and positive (a repeated edge) may be drawn by its positive copy.
        assert.ok(positive.has(`${v} ${u}`), `zero-weight edge ${v} <- ${u} was drawn`);
      }
      assert.ok(batchEdges(plain).some(([v, u]) => !positive.has(`${v} ${u}`)));
      weighted.release();
      uniform.release();
      w.release();
      graph.release();
      results.push(got);
    }
    if (results.length === 2) assert.deepStrictEqual(results[1], results[0]);
  });
});
