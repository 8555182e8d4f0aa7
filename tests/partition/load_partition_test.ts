import assert from "node:assert/strict";
import { loadPartition } from "../../partition/load_partition.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";
import { loadPartitionSeeds } from "../../partition/load_partition_seeds.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { PartitionFormatError } from "../../partition/partition_format_error.ts";
import type { PartitionMeta } from "../../partition/partition_meta.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

const dataset = generateSynthetic({ scale: 0.001, seed: 2, quiet: true });

async function withPartitions(body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await partitionDataset(dataset, {
      numPartitions: 2,
      partitioner: "random",
      output: dir,
      cacheRatio: 0.1,
      quiet: true,
    });
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const namesFile = (file: string) => (e: unknown) =>
  e instanceof PartitionFormatError && e.file.endsWith(file) && e.message.includes(file);

Deno.test("loadPartition() loads an intact partition", async () => {
  await withPartitions(async (dir) => {
    const p = await loadPartition(dir, 0);
    assert.equal(p.graph.numNodes, p.partitionBook[1]! - p.partitionBook[0]!);
    assert.equal(p.features.length, p.graph.numNodes * 100);
  });
});

Deno.test("loadPartition() rejects a truncated file naming it", async () => {
  await withPartitions(async (dir) => {
    const path = `${dir}/part_1/features.bin`;
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes.subarray(0, bytes.length - 4));
    await assert.rejects(() => loadPartition(dir, 1), namesFile("part_1/features.bin"));
    await loadPartition(dir, 0); // the other partition is untouched
  });
});

Deno.test("loadPartition() rejects a flipped byte naming the file", async () => {
  await withPartitions(async (dir) => {
    const path = `${dir}/part_0/indices.bin`;
    const bytes = await Deno.readFile(path);
    bytes[17]! ^= 0x01;
    await Deno.writeFile(path, bytes);
    await assert.rejects(
      () => loadPartition(dir, 0),
      (e: unknown) => namesFile("part_0/indices.bin")(e) && /checksum/.test(String(e)),
    );
  });
});

Deno.test("loadPartition() rejects a missing file naming it", async () => {
  await withPartitions(async (dir) => {
    await Deno.remove(`${dir}/part_0/labels.bin`);
    await assert.rejects(() => loadPartition(dir, 0), namesFile("part_0/labels.bin"));
  });
});

Deno.test("loadPartitionMeta() rejects a meta.json of another format version", async () => {
  await withPartitions(async (dir) => {
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    meta.version = 99;
    await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta));
    await assert.rejects(
      () => loadPartition(dir, 0),
      (e: unknown) => namesFile("meta.json")(e) && /version 99/.test(String(e)),
    );
  });
});

Deno.test("loadPartitionMeta() rejects a directory without meta.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(() => loadPartitionMeta(dir), namesFile("meta.json"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPartition() rejects a rank outside the partition book", async () => {
  await withPartitions(async (dir) => {
    await assert.rejects(() => loadPartition(dir, 2), RangeError);
  });
});

Deno.test("loadPartitionSeeds() reads the seeds and labels loadPartition() reads, and checks them alike", async () => {
  await withPartitions(async (dir) => {
    const whole = await loadPartition(dir, 1);
    const seeds = await loadPartitionSeeds(dir, 1);
    for (const key of ["partitionBook", "labels", "train", "valid", "test"] as const) {
      assert.deepEqual(seeds[key], whole[key], key);
    }
    assert.equal(seeds.offset, whole.offset);
    assert.equal("features" in seeds, false, "no features read");
    const path = `${dir}/part_1/train.bin`;
    const bytes = await Deno.readFile(path);
    bytes[0]! ^= 0x01;
    await Deno.writeFile(path, bytes);
    await assert.rejects(() => loadPartitionSeeds(dir, 1), namesFile("part_1/train.bin"));
  });
});

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** Rewrites `meta.json` in `dir` through `edit`. */
async function editMeta(dir: string, edit: (meta: Json) => void) {
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)) as Json;
  edit(meta);
  await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta, null, 2));
}

Deno.test("loadPartitionMeta() rejects an edited count naming meta.json, the file and both counts", async () => {
  await withPartitions(async (dir) => {
    const meta = await loadPartitionMeta(dir);
    const train = meta.partitions[1]!.train;
    await editMeta(dir, (m) => m.partitions[1].train = train + 1000);
    await assert.rejects(
      () => loadPartitionMeta(dir),
      (e: unknown) =>
        namesFile("meta.json")(e) &&
        String(e).includes(`partitions[1].train is ${train + 1000}`) &&
        String(e).includes(`part_1/train.bin holds ${train} ids`),
    );
  });
});

Deno.test("loadPartitionSeeds() rejects edited node and edge counts before reading any array", async () => {
  await withPartitions(async (dir) => {
    const meta = await loadPartitionMeta(dir);
    const { nodes, edges } = meta.partitions[0]!;
    await editMeta(dir, (m) => m.partitions[0].nodes = nodes - 1);
    await assert.rejects(
      () => loadPartitionSeeds(dir, 0),
      /partitions\[0\]\.nodes is \d+, but partition_book\.bin \(per meta\.json\) holds \d+ nodes/,
    );
    await editMeta(dir, (m) => {
      m.partitions[0].nodes = nodes;
      m.partitions[0].edges = edges + 1;
    });
    await assert.rejects(
      () => loadPartition(dir, 0),
      new RegExp(
        `partitions\\[0\\]\\.edges is ${edges + 1}, but part_0/indices\\.bin holds ${edges} edges`,
      ),
    );
  });
});

const weighted = generateSynthetic({ scale: 0.001, seed: 2, quiet: true, edgeWeights: true });

async function withWeightedPartitions(
  numPartitions: number,
  body: (dir: string, meta: PartitionMeta) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  try {
    const meta = await partitionDataset(weighted, {
      numPartitions,
      partitioner: "locality",
      output: dir,
      quiet: true,
    });
    await body(dir, meta);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("partitionDataset() moves each edge weight with its row and records the dataset's largest weight", async () => {
  await withWeightedPartitions(3, async (dir, meta) => {
    const w = weighted.edgeWeights!;
    assert.equal(meta.edgeWeights?.maxWeight, w.reduce((a, b) => Math.max(a, b), 0));
    assert.deepEqual((await loadPartitionMeta(dir)).edgeWeights, meta.edgeWeights);
    const parts = await Promise.all([0, 1, 2].map((p) => loadPartition(dir, p)));
    // global id -> dataset id
    const orig = new Int32Array(weighted.graph.numNodes);
    for (const p of parts) p.origIds.forEach((o, i) => orig[p.offset + i] = o);
    const { indptr, indices } = weighted.graph;
    const weightOf = new Map<string, number>();
    for (let v = 0; v < weighted.graph.numNodes; v++) {
      for (let e = indptr[v]!; e < indptr[v + 1]!; e++) weightOf.set(`${v} ${indices[e]}`, w[e]!);
    }
    let edges = 0;
    for (const p of parts) {
      assert.equal(p.edgeWeights!.length, p.graph.indices.length);
      for (let i = 0; i < p.graph.numNodes; i++) {
        for (let e = p.graph.indptr[i]!; e < p.graph.indptr[i + 1]!; e++) {
          const key = `${p.origIds[i]} ${orig[p.graph.indices[e]!]}`;
          assert.equal(p.edgeWeights![e], weightOf.get(key), `edge ${key}`);
          edges++;
        }
      }
    }
    assert.equal(edges, w.length);
    assert.equal((await loadPartition(await unweightedDir(dir), 0)).edgeWeights, undefined);
  });
});

/** A sibling partition directory of the unweighted dataset (removed with `dir`'s parent test). */
async function unweightedDir(dir: string): Promise<string> {
  const out = `${dir}/unweighted`;
  const meta = await partitionDataset(dataset, {
    numPartitions: 2,
    partitioner: "random",
    output: out,
    quiet: true,
  });
  assert.equal(meta.edgeWeights, null);
  return out;
}

Deno.test("loadPartition() with edgeWeights false leaves a weighted partition's weights unread", async () => {
  await withWeightedPartitions(2, async (dir) => {
    const whole = await loadPartition(dir, 1);
    assert.ok(whole.edgeWeights);
    await Deno.remove(`${dir}/part_1/edge_weights.bin`);
    const uniform = await loadPartition(dir, 1, { edgeWeights: false });
    assert.equal(uniform.edgeWeights, undefined);
    assert.deepEqual(uniform.graph.indices, whole.graph.indices);
  });
});

Deno.test("loadPartition() rejects a truncated or altered edge_weights.bin naming it", async () => {
  await withWeightedPartitions(2, async (dir) => {
    const path = `${dir}/part_1/edge_weights.bin`;
    const bytes = await Deno.readFile(path);
    bytes[5]! ^= 0x10;
    await Deno.writeFile(path, bytes);
    await assert.rejects(
      () => loadPartition(dir, 1),
      (e: unknown) => namesFile("part_1/edge_weights.bin")(e) && /checksum/.test(String(e)),
    );
    await Deno.remove(path);
    await assert.rejects(() => loadPartition(dir, 1), namesFile("part_1/edge_weights.bin"));
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    meta.edgeWeights = { maxWeight: -1 };
    await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta));
    await assert.rejects(() => loadPartitionMeta(dir), /edgeWeights must be null or/);
  });
});

Deno.test("loadPartitionMeta() refuses a version-1 directory naming it, both versions and the command to re-partition", async () => {
  await withPartitions(async (dir) => {
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    meta.version = 1;
    delete meta.edgeWeights;
    await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta));
    const error = await loadPartitionMeta(dir).catch((e) => e);
    assert.ok(namesFile("meta.json")(error), String(error));
    assert.match(error.message, new RegExp(`partition directory ${dir} has format version 1`));
    assert.match(error.message, /this code reads version 2/);
    assert.match(error.message, new RegExp(`deno task partition --output=${dir} --overwrite`));
  });
});
