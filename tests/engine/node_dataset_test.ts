import assert from "node:assert/strict";
import { nodeDataset, type NodeDatasetArrays } from "../../engine/node_dataset.ts";

const BASE: NodeDatasetArrays = {
  edges: [[0, 1], [1, 2], [3, 2]],
  features: [[1, 0], [1, 0], [0, 1], [0, 1]],
  labels: [0, 0, 1, -1],
  split: { train: [0, 2], valid: [1] },
};

Deno.test("nodeDataset() builds the CSR both ways by default and one way (PyG's edge_index) with directed", () => {
  const both = nodeDataset(BASE);
  assert.equal(both.graph.numNodes, 4);
  assert.deepEqual(Array.from(both.graph.indptr), [0, 1, 3, 5, 6]);
  assert.deepEqual(Array.from(both.graph.indices), [1, 2, 0, 1, 3, 2]);
  assert.equal(both.numClasses, 2);
  assert.equal(both.featureDim, 2);
  assert.deepEqual(Array.from(both.split.test), []);
  // source -> target: the target aggregates from the source.
  const one = nodeDataset({
    ...BASE,
    directed: true,
    edges: { source: [0, 1, 3], target: [1, 2, 2] },
  });
  assert.deepEqual(Array.from(one.graph.indptr), [0, 0, 1, 3, 3]);
  assert.deepEqual(Array.from(one.graph.indices), [0, 1, 3]);
  const flat = nodeDataset({ ...BASE, features: new Float32Array(8).fill(2), featureDim: 2 });
  assert.equal(flat.features.length, 8);
});

Deno.test("nodeDataset() names the field, the entry and what was expected when arrays do not fit", () => {
  const bad: [Partial<NodeDatasetArrays>, RegExp][] = [
    [{ labels: [0, 1, 1] }, /labels has 3 entries, expected numNodes = 4/],
    [{ numNodes: 5 }, /features has 4 rows of 2, expected numNodes = 5/],
    [{ edges: [[0, 1], [2, 4]] }, /edges \(target\)\[1\] is 4, expected a node id in 0\.\.3/],
    [{ edges: { source: [0, 1], target: [1] } }, /edges.source has 2 ids but edges.target has 1/],
    [{ features: [[1, 0], [1], [0, 1], [0, 1]] }, /features\[1\] has 1 values, features\[0\] 2/],
    [{ features: [1, 2, 3, 4, 5, 6, 7, 8] }, /give featureDim too/],
    [{ features: [1, 2, 3, 4, 5, 6, 7], featureDim: 2 }, /not a whole number of rows of 2/],
    [{ labels: [0, 0, 1, 2], numClasses: 2 }, /labels\[3\] is 2, past numClasses = 2/],
    [{ labels: [0, 0.5, 1, 1] }, /labels\[1\] is 0.5, expected a class id or -1/],
    [{ split: { train: [0, 9] } }, /split.train\[1\] is 9, expected a node id in 0\.\.3/],
    [{ split: { train: [0], test: [1, 0] } }, /split.test\[1\] is node 0, already in split.train/],
    [{ split: { train: [0, 3] } }, /split.train\[1\] is node 3, which has no label/],
  ];
  for (const [change, message] of bad) {
    assert.throws(() => nodeDataset({ ...BASE, ...change }), (err: Error) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /^nodeDataset: /);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("nodeDataset() puts edge weights in CSR order, both directions, and one way when directed", () => {
  const both = nodeDataset({ ...BASE, edgeWeights: [1, 2, 3] });
  // rows: 0 <- 1 (w1); 1 <- 2 (w2), 0 (w1); 2 <- 1 (w2), 3 (w3); 3 <- 2 (w3)
  assert.deepEqual(Array.from(both.graph.indices), [1, 2, 0, 1, 3, 2]);
  assert.deepEqual(Array.from(both.edgeWeights!), [1, 2, 1, 2, 3, 3]);
  const one = nodeDataset({
    ...BASE,
    directed: true,
    edges: { source: [0, 1, 3], target: [1, 2, 2] },
    edgeWeights: new Float32Array([4, 5, 6]),
  });
  assert.deepEqual(Array.from(one.edgeWeights!), [4, 5, 6]);
  assert.equal(nodeDataset(BASE).edgeWeights, undefined);
});

Deno.test("nodeDataset() names the edge weight that is missing, negative or not finite", () => {
  const bad: [number[], RegExp][] = [
    [[1, 2], /edgeWeights has 2 entries, expected 3 \(one per edge\)/],
    [[1, -1, 2], /edgeWeights\[1\] is -1, expected a finite non-negative number/],
    [[1, 2, Infinity], /edgeWeights\[2\] is Infinity, expected a finite/],
    [[NaN, 2, 3], /edgeWeights\[0\] is NaN/],
    [[1, 1e39, 3], /edgeWeights\[1\] is 1e\+39/],
  ];
  for (const [edgeWeights, message] of bad) {
    assert.throws(() => nodeDataset({ ...BASE, edgeWeights }), message);
    assert.throws(() => nodeDataset({ ...BASE, edgeWeights }), RangeError);
  }
});
