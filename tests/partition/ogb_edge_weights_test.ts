import assert from "node:assert/strict";
import { loadOgbDataset } from "../../partition/ogb_loader.ts";
import { OgbFormatError } from "../../partition/ogb_format_error.ts";
import { Progress } from "../../partition/_util.ts";
import { weightedUndirectedCsr } from "../../partition/_weighted_csr.ts";
import { rng } from "../_random.ts";

// 5 nodes; (0,1) three times (once reversed), a self-loop (3,3), node 4 isolated.
const EDGES = "0,1\n1,2\n1,0\n2,3\n3,3\n0,1\n";

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An OGB raw directory with the edges above and `weights` (none when undefined) as raw/edge-weight. */
async function withDataset(
  weights: string | undefined,
  body: (root: string) => Promise<void>,
  plain = false,
) {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/raw`);
    await Deno.mkdir(`${root}/split/s`, { recursive: true });
    const files: Record<string, string> = {
      "raw/edge": EDGES,
      "raw/node-feat": "1\n2\n3\n4\n5\n",
      "raw/node-label": "0\n1\n0\n1\n0\n",
      "split/s/train": "0\n1\n",
      "split/s/valid": "2\n",
      "split/s/test": "3\n4\n",
    };
    if (weights !== undefined) files["raw/edge-weight"] = weights;
    for (const [stem, text] of Object.entries(files)) {
      if (plain) await Deno.writeTextFile(`${root}/${stem}.csv`, text);
      else await Deno.writeFile(`${root}/${stem}.csv.gz`, await gzip(text));
    }
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

for (const plain of [false, true]) {
  Deno.test(`loadOgbDataset() reads raw/edge-weight${plain ? ".csv" : ".csv.gz"}: one weight per edge line, both directions, the first of duplicates`, async () => {
    await withDataset("0.5\n2\n7\n1.5\n9\n3\n", async (root) => {
      const ds = await loadOgbDataset(root, { quiet: true });
      assert.deepEqual(Array.from(ds.graph.indptr), [0, 1, 3, 5, 6, 6]);
      assert.deepEqual(Array.from(ds.graph.indices), [1, 0, 2, 1, 3, 2]);
      assert.deepEqual(Array.from(ds.edgeWeights!), [0.5, 0.5, 2, 2, 1.5, 1.5]);
    }, plain);
  });
}

Deno.test("loadOgbDataset() builds the same graph with and without edge weights, and no weights without the file", async () => {
  let unweighted: Int32Array[] = [];
  await withDataset(undefined, async (root) => {
    const ds = await loadOgbDataset(root, { quiet: true });
    assert.equal(ds.edgeWeights, undefined);
    unweighted = [ds.graph.indptr, ds.graph.indices];
  });
  await withDataset("1\n1\n1\n1\n1\n1\n", async (root) => {
    const ds = await loadOgbDataset(root, { quiet: true });
    assert.deepEqual([ds.graph.indptr, ds.graph.indices], unweighted);
  });
});

Deno.test("loadOgbDataset() names raw/edge-weight and the line of a wrong weight count", async () => {
  await withDataset("1\n2\n3\n4\n5\n", async (root) => {
    await assert.rejects(
      loadOgbDataset(root, { quiet: true }),
      (e) =>
        e instanceof OgbFormatError &&
        e.message ===
          "raw/edge-weight.csv.gz line 6: expected 6 weights (one per line of raw/edge.csv.gz), found 5",
    );
  });
  await withDataset("1\n2\n3\n4\n5\n6\n7\n", async (root) => {
    await assert.rejects(
      loadOgbDataset(root, { quiet: true }),
      /raw\/edge-weight.csv.gz line 7: expected 6 weights .*found 7/,
    );
  });
});

Deno.test("loadOgbDataset() names raw/edge-weight and the line of a negative weight", async () => {
  await withDataset("1\n2\n3\n-0.25\n5\n6\n", async (root) => {
    await assert.rejects(
      loadOgbDataset(root, { quiet: true }),
      (e) =>
        e instanceof OgbFormatError && e.line === 4 &&
        e.message ===
          "raw/edge-weight.csv.gz line 4: weight -0.25 is not a finite non-negative number",
    );
  });
});

Deno.test("weightedUndirectedCsr() keeps the first line's weight of every edge, on random edge lists with duplicates", () => {
  const r = rng(5);
  const n = 60, m = 2000;
  const pairs = Int32Array.from({ length: 2 * m }, () => Math.floor(r() * n));
  const weights = Float32Array.from({ length: m }, () => r());
  const first = new Map<string, number>();
  for (let e = 0; e < m; e++) {
    const [s, d] = [pairs[2 * e]!, pairs[2 * e + 1]!];
    if (s === d) continue;
    for (const key of [`${s},${d}`, `${d},${s}`]) {
      if (!first.has(key)) first.set(key, weights[e]!);
    }
  }
  const { graph, weights: got } = weightedUndirectedCsr(
    n,
    pairs,
    weights,
    new Progress({ quiet: true }),
  );
  assert.equal(graph.indices.length, first.size);
  for (let v = 0; v < n; v++) {
    for (let i = graph.indptr[v]!; i < graph.indptr[v + 1]!; i++) {
      if (i > graph.indptr[v]!) assert.ok(graph.indices[i - 1]! < graph.indices[i]!, "rows sorted");
      assert.equal(got[i], first.get(`${v},${graph.indices[i]}`));
    }
  }
});
