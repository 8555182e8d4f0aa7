import assert from "node:assert/strict";
import { generateSynthetic } from "../../partition/synthetic.ts";

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
