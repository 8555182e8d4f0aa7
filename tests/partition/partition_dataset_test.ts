import assert from "node:assert/strict";
import type { NodeDataset } from "../../engine/dataset.ts";
import { loadPartition } from "../../partition/load_partition.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import type { PartitionerName } from "../../partition/partition_options.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

const dataset = generateSynthetic({ scale: 0.002, seed: 5, quiet: true });

async function withOutput(body: (dir: string) => Promise<void>) {
  const root = await Deno.makeTempDir();
  try {
    await body(`${root}/out`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Loads every partition and maps everything back to original ids. */
async function checkRoundTrip(ds: NodeDataset, dir: string) {
  const meta = await loadPartitionMeta(dir);
  const n = ds.graph.numNodes;
  const f = ds.featureDim;
  const seen = new Int32Array(n).fill(-1);
  const toOld = new Int32Array(n);
  const parts = [];
  for (let q = 0; q < meta.numPartitions; q++) {
    const p = await loadPartition(dir, q);
    parts.push(p);
    for (let i = 0; i < p.graph.numNodes; i++) {
      const old = p.origIds[i]!;
      assert.equal(seen[old], -1, `node ${old} in two partitions`);
      seen[old] = q;
      toOld[p.offset + i] = old;
    }
  }
  assert.ok(seen.every((q) => q >= 0), "some node is in no partition");
  let edges = 0;
  for (const p of parts) {
    for (let i = 0; i < p.graph.numNodes; i++) {
      const old = p.origIds[i]!;
      const got = Array.from(
        p.graph.indices.subarray(p.graph.indptr[i]!, p.graph.indptr[i + 1]!),
        (g) => toOld[g]!,
      ).sort((a, b) => a - b);
      const want = Array.from(
        ds.graph.indices.subarray(ds.graph.indptr[old]!, ds.graph.indptr[old + 1]!),
      ).sort((a, b) => a - b);
      assert.deepEqual(got, want, `neighbours of node ${old}`);
      edges += got.length;
      assert.deepEqual(
        p.features.subarray(i * f, (i + 1) * f),
        ds.features.subarray(old * f, (old + 1) * f),
      );
      assert.equal(p.labels[i], ds.labels[old]);
    }
    for (const name of ["train", "valid", "test"] as const) {
      for (const g of p[name]) {
        assert.ok(g >= p.offset && g < p.offset + p.graph.numNodes, `${name} seed ${g} not owned`);
      }
    }
  }
  assert.equal(edges, ds.graph.indices.length);
  for (const name of ["train", "valid", "test"] as const) {
    const got = parts.flatMap((p) => Array.from(p[name], (g) => toOld[g]!)).sort((a, b) => a - b);
    assert.deepEqual(got, Array.from(ds.split[name]), `${name} split`);
  }
  return { meta, parts, toOld };
}

for (const partitioner of ["random", "frequency", "locality"] as const) {
  Deno.test(`partitionDataset(${partitioner}) keeps every node, edge, feature, label and seed`, async () => {
    await withOutput(async (dir) => {
      const meta = await partitionDataset(dataset, {
        numPartitions: 3,
        partitioner,
        output: dir,
        cacheRatio: 0.1,
        quiet: true,
      });
      assert.equal(meta.partitioner, partitioner);
      await checkRoundTrip(dataset, dir);
    });
  });
}

Deno.test("partitionDataset() caches the hottest remote nodes with their features", async () => {
  await withOutput(async (dir) => {
    await partitionDataset(dataset, {
      numPartitions: 2,
      partitioner: "random",
      output: dir,
      cacheRatio: 0.2,
      quiet: true,
    });
    const { parts, toOld } = await checkRoundTrip(dataset, dir);
    const f = dataset.featureDim;
    for (const p of parts) {
      assert.ok(p.cache.ids.length > 0);
      assert.ok(p.cache.ids.length <= Math.floor(0.2 * p.graph.numNodes));
      for (let i = 0; i < p.cache.ids.length; i++) {
        const g = p.cache.ids[i]!;
        if (i > 0) assert.ok(g > p.cache.ids[i - 1]!);
        assert.ok(g < p.offset || g >= p.offset + p.graph.numNodes, "cached node is local");
        const old = toOld[g]!;
        assert.deepEqual(
          p.cache.features.subarray(i * f, (i + 1) * f),
          dataset.features.subarray(old * f, (old + 1) * f),
        );
      }
      // cached nodes are reached more often than uncached remote neighbours
      const cached = new Set(p.cache.ids);
      let hits = 0;
      let remote = 0;
      for (const g of p.graph.indices) {
        if (g >= p.offset && g < p.offset + p.graph.numNodes) continue;
        remote++;
        if (cached.has(g)) hits++;
      }
      assert.ok(hits / remote > 0.3, `cache covers ${hits}/${remote} remote neighbour slots`);
    }
  });
});

async function cutAndBalance(partitioner: PartitionerName, numPartitions: number) {
  let result = { cut: 0, nodes: 0, train: 0 };
  await withOutput(async (dir) => {
    const meta = await partitionDataset(dataset, {
      numPartitions,
      partitioner,
      output: dir,
      quiet: true,
    });
    result = { cut: meta.edgeCutRatio, nodes: meta.balance.nodes, train: meta.balance.train };
  });
  return result;
}

Deno.test("partitionDataset(locality) cuts at least 2x fewer edges than random, balanced within 5%", async () => {
  for (const k of [2, 4]) {
    const random = await cutAndBalance("random", k);
    const locality = await cutAndBalance("locality", k);
    assert.ok(
      locality.cut * 2 <= random.cut,
      `${k} parts: locality ${locality.cut} vs random ${random.cut}`,
    );
    assert.ok(locality.nodes <= 1.05, `node balance ${locality.nodes}`);
    assert.ok(locality.train <= 1.05, `train balance ${locality.train}`);
  }
});

Deno.test("partitionDataset() replaces an existing output directory cleanly", async () => {
  await withOutput(async (dir) => {
    await partitionDataset(dataset, {
      numPartitions: 3,
      partitioner: "random",
      output: dir,
      quiet: true,
    });
    await partitionDataset(dataset, {
      numPartitions: 2,
      partitioner: "locality",
      output: dir,
      quiet: true,
    });
    const entries = [];
    for await (const e of Deno.readDir(dir)) entries.push(e.name);
    assert.deepEqual(entries.sort(), ["meta.json", "part_0", "part_1", "partition_book.bin"]);
    const parent = dir.slice(0, dir.lastIndexOf("/"));
    const siblings = [];
    for await (const e of Deno.readDir(parent)) siblings.push(e.name);
    assert.deepEqual(siblings, ["out"]);
    assert.equal((await loadPartitionMeta(dir)).partitioner, "locality");
  });
});

Deno.test("partitionDataset() rejects bad options", async () => {
  await assert.rejects(
    () =>
      partitionDataset(dataset, {
        numPartitions: 0,
        partitioner: "random",
        output: "/nonexistent/x",
      }),
    RangeError,
  );
  await assert.rejects(
    () =>
      partitionDataset(dataset, {
        numPartitions: 2,
        partitioner: "random",
        cacheRatio: 2,
        output: "/nonexistent/x",
      }),
    RangeError,
  );
});

Deno.test("partitionDataset() refuses to replace a directory that is not a partition directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/keep.txt`, "precious");
    await assert.rejects(
      partitionDataset(generateSynthetic({ scale: 0.001, seed: 1, quiet: true }), {
        numPartitions: 2,
        partitioner: "random",
        output: dir,
        quiet: true,
      }),
      /is not a webgnn partition directory .*refusing to replace it/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/keep.txt`), "precious");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
