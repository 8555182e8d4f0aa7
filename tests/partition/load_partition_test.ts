import assert from "node:assert/strict";
import { loadPartition } from "../../partition/load_partition.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";
import { loadPartitionSeeds } from "../../partition/load_partition_seeds.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { PartitionFormatError } from "../../partition/partition_format_error.ts";
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
