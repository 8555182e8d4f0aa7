import assert from "node:assert/strict";
import type { NodeDataset } from "../../engine/dataset.ts";
import { csrFromEdges } from "../../engine/graph.ts";
import type { LinkEdges } from "../../engine/link_split.ts";
import { splitEdges } from "../../partition/split_edges.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

const synthetic = generateSynthetic({ scale: 0.001, seed: 3, quiet: true });

/** A dataset over `n` nodes whose graph stores each of `edges` in both directions. */
function undirected(n: number, edges: [number, number][], weighted = false): NodeDataset {
  const src = edges.flatMap(([a, b]) => [a, b]);
  const dst = edges.flatMap(([a, b]) => [b, a]);
  const graph = csrFromEdges(n, new Int32Array(src), new Int32Array(dst));
  // a weight naming its entry: 100 * source + target
  const weights = new Float32Array(graph.indices.length);
  for (let v = 0; v < n; v++) {
    for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
      weights[e] = 100 * v + graph.indices[e]!;
    }
  }
  return {
    name: "tiny",
    graph,
    features: new Float32Array(n),
    featureDim: 1,
    labels: new Int32Array(n).fill(-1),
    numClasses: 0,
    split: { train: new Int32Array(0), valid: new Int32Array(0), test: new Int32Array(0) },
    ...(weighted ? { edgeWeights: weights } : {}),
  };
}

/** `min:max` keys of a graph's undirected edges, self-loops left out, each once. */
function graphPairs(ds: NodeDataset): Set<string> {
  const { indptr, indices, numNodes } = ds.graph;
  const out = new Set<string>();
  for (let v = 0; v < numNodes; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
      const u = indices[e]!;
      if (u !== v) out.add(`${Math.min(u, v)}:${Math.max(u, v)}`);
    }
  }
  return out;
}

/** Directed `v>u` keys of every graph entry. */
function entries(ds: NodeDataset): string[] {
  const { indptr, indices, numNodes } = ds.graph;
  const out: string[] = [];
  for (let v = 0; v < numNodes; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) out.push(`${v}>${indices[e]}`);
  }
  return out;
}

const keys = (e: LinkEdges) =>
  Array.from(e.source, (s, i) => `${Math.min(s, e.target[i]!)}:${Math.max(s, e.target[i]!)}`);

Deno.test("splitEdges() puts every undirected edge in exactly one split, in the fractions asked", () => {
  const before = graphPairs(synthetic);
  const out = splitEdges(synthetic, [0.85, 0.05, 0.1], 7);
  const links = out.links!;
  const [train, valid, test] = [keys(links.train), keys(links.valid), keys(links.test)];
  const all = [...train, ...valid, ...test];
  assert.equal(all.length, before.size);
  assert.equal(new Set(all).size, before.size);
  for (const k of all) assert.ok(before.has(k), k);
  assert.equal(valid.length, Math.round(before.size * 0.05));
  assert.equal(test.length, Math.round(before.size * 0.1));
  assert.equal(links.validNeg, undefined);
  // features, labels and node split are kept
  assert.equal(out.features, synthetic.features);
  assert.equal(out.split, synthetic.split);
  assert.equal(out.numClasses, synthetic.numClasses);
});

Deno.test("splitEdges() leaves no validation or test edge in the graph, in either direction", () => {
  const out = splitEdges(synthetic, [0.7, 0.1, 0.2], 1);
  const links = out.links!;
  const held = new Set(entries(out));
  for (const split of [links.valid, links.test]) {
    split.source.forEach((s, i) => {
      const t = split.target[i]!;
      assert.ok(!held.has(`${s}>${t}`) && !held.has(`${t}>${s}`), `${s}-${t} leaked`);
    });
  }
  links.train.source.forEach((s, i) => {
    const t = links.train.target[i]!;
    assert.ok(held.has(`${s}>${t}`) && held.has(`${t}>${s}`), `${s}-${t} missing`);
  });
  assert.equal(out.graph.indices.length, 2 * links.train.source.length);
  assert.deepEqual(graphPairs(out), new Set(keys(links.train)));
  // the input is not changed
  assert.equal(synthetic.links, undefined);
  assert.equal(graphPairs(synthetic).size, synthetic.graph.indices.length / 2);
});

Deno.test("splitEdges() is deterministic for a seed and differs between seeds", () => {
  const a = splitEdges(synthetic, [0.8, 0.1, 0.1], 11);
  const b = splitEdges(synthetic, [0.8, 0.1, 0.1], 11);
  const c = splitEdges(synthetic, [0.8, 0.1, 0.1], 12);
  assert.deepEqual(a.links, b.links);
  assert.deepEqual(a.graph, b.graph);
  assert.notDeepEqual(keys(a.links!.test), keys(c.links!.test));
});

Deno.test("splitEdges() gives the edges seeded random directions", () => {
  const train = splitEdges(synthetic, [1, 0, 0], 2).links!.train;
  const smallerFirst = train.source.filter((s, i) => s < train.target[i]!).length;
  const share = smallerFirst / train.source.length;
  assert.ok(share > 0.4 && share < 0.6, `${share} of the edges run from the smaller id`);
});

Deno.test("splitEdges() removes the weights of the removed edges and keeps the others aligned", () => {
  const ds = undirected(6, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 0], [0, 3]], true);
  const out = splitEdges(ds, [0.5, 0.25, 0.25], 4);
  const w = out.edgeWeights!;
  assert.equal(w.length, out.graph.indices.length);
  const { indptr, indices } = out.graph;
  for (let v = 0; v < 6; v++) {
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) assert.equal(w[e], 100 * v + indices[e]!);
  }
  assert.equal(out.links!.train.source.length, 3);
  assert.equal(out.links!.valid.source.length + out.links!.test.source.length, 4);
});

Deno.test("splitEdges() keeps self-loops and deals a repeated edge as one", () => {
  const ds = undirected(4, [[0, 1], [0, 1], [1, 2], [2, 3], [3, 3]]);
  for (let seed = 0; seed < 8; seed++) {
    const out = splitEdges(ds, [0, 0.5, 0.5], seed);
    const links = out.links!;
    assert.equal(links.valid.source.length + links.test.source.length, 3);
    assert.deepEqual(entries(out), ["3>3", "3>3"]);
  }
});

Deno.test("splitEdges() rejects fractions that are not three non-negative numbers summing to 1", () => {
  for (const bad of [[0.8, 0.1], [0.8, 0.1, 0.2], [1.1, -0.05, -0.05], [0.5, NaN, 0.5]]) {
    assert.throws(
      () => splitEdges(synthetic, bad, 0),
      (e: unknown) =>
        e instanceof RangeError && /fractions must be three non-negative numbers/.test(e.message) &&
        e.message.includes(bad.join(",")),
    );
  }
});

Deno.test("splitEdges() refuses a dataset that already has links, and a one-way edge", () => {
  const linked = splitEdges(synthetic, [0.85, 0.05, 0.1], 0);
  assert.throws(() => splitEdges(linked, [0.85, 0.05, 0.1], 0), /already has a link split/);
  const oneWay = csrFromEdges(3, new Int32Array([0, 1, 1]), new Int32Array([1, 0, 2]));
  for (
    const graph of [oneWay, csrFromEdges(3, new Int32Array([1, 2, 2]), new Int32Array([2, 1, 0]))]
  ) {
    assert.throws(
      () => splitEdges({ ...undirected(3, []), graph }, [0.5, 0.5, 0], 0),
      /not undirected: node (1 has neighbour 2, but 2 lacks 1|2 has neighbour 0, but 0 lacks 2)/,
    );
  }
});
