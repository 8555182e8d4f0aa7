import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceEdgeWeights } from "../../engine/edge_weights.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { batchEdges, readBatch } from "../engine/_host_batch.ts";

const opts = { scale: 0.001, seed: 7, quiet: true } as const;

Deno.test("generateSynthetic() gives products-like sizes at a tiny scale", () => {
  const ds = generateSynthetic(opts);
  const n = ds.graph.numNodes;
  assert.equal(n, 2449);
  assert.equal(ds.featureDim, 100);
  assert.equal(ds.numClasses, 47);
  assert.equal(ds.features.length, n * 100);
  assert.equal(ds.labels.length, n);
  const avg = ds.graph.indices.length / n;
  assert.ok(avg > 45 && avg < 55, `average degree ${avg}`);
  const { train, valid, test } = ds.split;
  assert.equal(train.length + valid.length + test.length, n);
  assert.ok(Math.abs(train.length / n - 0.08) < 0.02);
  assert.ok(Math.abs(valid.length / n - 0.016) < 0.01);
});

Deno.test("generateSynthetic() is deterministic for a seed and differs across seeds", () => {
  const a = generateSynthetic(opts);
  const b = generateSynthetic(opts);
  const c = generateSynthetic({ ...opts, seed: 8 });
  assert.deepEqual(a.graph.indices, b.graph.indices);
  assert.deepEqual(a.features, b.features);
  assert.deepEqual(a.split.train, b.split.train);
  assert.notDeepEqual(a.graph.indices, c.graph.indices);
});

Deno.test("generateSynthetic() is symmetric with sorted rows, no duplicates or self-loops", () => {
  const { graph } = generateSynthetic(opts);
  const { indptr, indices, numNodes } = graph;
  const has = (u: number, v: number) => {
    let lo = indptr[u]!;
    let hi = indptr[u + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (indices[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo < indptr[u + 1]! && indices[lo] === v;
  };
  for (let u = 0; u < numNodes; u++) {
    for (let i = indptr[u]!; i < indptr[u + 1]!; i++) {
      const v = indices[i]!;
      assert.notEqual(v, u);
      if (i > indptr[u]!) assert.ok(indices[i - 1]! < v);
      assert.ok(has(v, u), `edge ${u}->${v} has no reverse`);
    }
  }
});

Deno.test("generateSynthetic() has power-law degrees", () => {
  const { graph } = generateSynthetic({ ...opts, scale: 0.01 });
  const n = graph.numNodes;
  const deg = new Int32Array(n);
  for (let v = 0; v < n; v++) deg[v] = graph.indptr[v + 1]! - graph.indptr[v]!;
  deg.sort();
  const median = deg[n >> 1]!;
  const max = deg[n - 1]!;
  const avg = graph.indices.length / n;
  assert.ok(median < avg, `median ${median} should be below mean ${avg}`);
  assert.ok(max > 20 * avg, `max degree ${max} should be far above the mean`);
});

Deno.test("generateSynthetic() rejects a scale outside (0, 1]", () => {
  assert.throws(() => generateSynthetic({ scale: 0 }), RangeError);
  assert.throws(() => generateSynthetic({ scale: 1.5 }), RangeError);
});

Deno.test("generateSynthetic() with edgeWeights: the same graph, one deterministic weight per edge, the same both ways", () => {
  const plain = generateSynthetic(opts);
  const a = generateSynthetic({ ...opts, edgeWeights: true });
  const b = generateSynthetic({ ...opts, edgeWeights: true });
  assert.equal(plain.edgeWeights, undefined);
  assert.deepEqual(a.graph, plain.graph);
  assert.deepEqual(a.features, plain.features);
  assert.deepEqual(a.edgeWeights, b.edgeWeights);
  const { indptr, indices, numNodes } = a.graph;
  const w = a.edgeWeights!;
  assert.equal(w.length, indices.length);
  const weightOf = new Map<string, number>();
  for (let v = 0; v < numNodes; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) weightOf.set(`${v} ${indices[e]}`, w[e]!);
  }
  let zeros = 0, heavy = 0;
  for (let v = 0; v < numNodes; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
      const x = w[e]!;
      assert.equal(weightOf.get(`${indices[e]} ${v}`), x, `edge ${v}-${indices[e]}`);
      assert.ok((x >= 1 && x <= 5) || (x >= 0.05 && x <= 0.5) || x === 0, `weight ${x}`);
      if (x === 0) zeros++;
      if (x >= 1) heavy++;
    }
  }
  // Most edges lie inside communities (80% are drawn there), a quarter of the rest weigh 0.
  assert.ok(heavy / w.length > 0.5 && heavy / w.length < 0.9, `heavy share ${heavy / w.length}`);
  assert.ok(zeros / w.length > 0.02 && zeros / w.length < 0.1, `zero share ${zeros / w.length}`);
  const other = generateSynthetic({ ...opts, seed: 8, edgeWeights: true });
  assert.notDeepEqual(other.edgeWeights, a.edgeWeights);
});

Deno.test("weighted sampling of the weighted synthetic graph keeps more community edges than uniform sampling", async () => {
  const ds = generateSynthetic({ ...opts, edgeWeights: true });
  const device = new CpuDevice({ threads: 1, blas: false });
  const graph = DeviceGraph.upload(device, ds.graph);
  const weights = DeviceEdgeWeights.upload(device, ds.graph, ds.edgeWeights!);
  const weightOf = new Map<string, number>();
  const { indptr, indices } = ds.graph;
  for (let v = 0; v < ds.graph.numNodes; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
      weightOf.set(`${v} ${indices[e]}`, ds.edgeWeights![e]!);
    }
  }
  const heavyShare = async (sampler: LocalSampler) => {
    const edges = batchEdges(await readBatch(device, await sampler.sample(ds.split.train, 3)));
    sampler.release();
    return edges.filter(([v, u]) => weightOf.get(`${v} ${u}`)! >= 1).length / edges.length;
  };
  try {
    const weighted = await heavyShare(new LocalSampler(device, graph, [5], weights));
    const uniform = await heavyShare(new LocalSampler(device, graph, [5]));
    assert.ok(weighted > uniform + 0.1, `weighted ${weighted}, uniform ${uniform}`);
  } finally {
    weights.release();
    graph.release();
    device.destroy();
  }
});
