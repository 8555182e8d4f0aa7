import assert from "node:assert/strict";
import type { NodeDataset } from "../../engine/dataset.ts";
import type { LinkEdges } from "../../engine/link_split.ts";
import { loadPartition } from "../../partition/load_partition.ts";
import { loadPartitionLinks } from "../../partition/load_partition_links.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { PartitionFormatError } from "../../partition/partition_format_error.ts";
import type { PartitionerName } from "../../partition/partition_options.ts";
import { splitEdges } from "../../partition/split_edges.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

const synthetic = generateSynthetic({ scale: 0.001, seed: 4, quiet: true });
const linked = splitEdges(synthetic, [0.8, 0.1, 0.1], 3);

/** `linked` with fixed negatives, and without node labels or node split (an ogbl-style dataset). */
function withNegatives(ds: NodeDataset): NodeDataset {
  const n = ds.graph.numNodes;
  const negatives = (k: number, shift: number): LinkEdges => ({
    source: Int32Array.from({ length: k }, (_, i) => (i * 7 + shift) % n),
    target: Int32Array.from({ length: k }, (_, i) => (i * 13 + 5 * shift) % n),
  });
  const empty = new Int32Array(0);
  return {
    ...ds,
    labels: new Int32Array(n).fill(-1),
    numClasses: 0,
    split: { train: empty, valid: empty, test: empty },
    links: { ...ds.links!, validNeg: negatives(30, 1), testNeg: negatives(20, 2) },
  };
}

async function withPartitions(
  ds: NodeDataset,
  options: { numPartitions: number; partitioner: PartitionerName },
  body: (dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  try {
    await partitionDataset(ds, { ...options, output: dir, cacheRatio: 0.1, quiet: true });
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const namesFile = (file: string) => (e: unknown) =>
  e instanceof PartitionFormatError && e.file.endsWith(file) && e.message.includes(file);

/** `edges` mapped through `toOld`, as `source>target` strings. */
const mapped = (edges: LinkEdges, toOld: (id: number) => number) =>
  Array.from(edges.source, (s, i) => `${toOld(s)}>${toOld(edges.target[i]!)}`);
const plain = (edges: LinkEdges) => mapped(edges, (id) => id);

for (const partitioner of ["random", "locality", "frequency"] as const) {
  Deno.test(`loadPartitionLinks() gives every training edge to the partition owning its source, exactly once (${partitioner})`, async () => {
    await withPartitions(linked, { numPartitions: 3, partitioner }, async (dir) => {
      const meta = await loadPartitionMeta(dir);
      const toOld = new Int32Array(meta.dataset.numNodes);
      const parts = [];
      for (let q = 0; q < 3; q++) {
        const p = await loadPartition(dir, q);
        p.origIds.forEach((v, i) => toOld[p.offset + i] = v);
        parts.push({ book: p.partitionBook, links: await loadPartitionLinks(dir, q) });
      }
      const back = (id: number) => toOld[id]!;
      let offset = 0;
      const trained: string[] = [];
      for (const [q, { book, links }] of parts.entries()) {
        assert.equal(links.trainOffset, offset, `partition ${q}'s first training edge`);
        assert.equal(links.numTrain, linked.links!.train.source.length);
        offset += links.train.source.length;
        for (const s of links.train.source) assert.ok(s >= book[q]! && s < book[q + 1]!);
        trained.push(...mapped(links.train, back));
        // every rank reads every validation and test edge, in the dataset's order
        assert.deepEqual(mapped(links.valid, back), plain(linked.links!.valid));
        assert.deepEqual(mapped(links.test, back), plain(linked.links!.test));
        assert.equal(links.validNeg, undefined);
      }
      assert.equal(offset, linked.links!.train.source.length);
      assert.deepEqual(trained.sort(), plain(linked.links!.train).sort());
      assert.equal(meta.links?.train, offset);
      assert.deepEqual(
        meta.partitions.map((s) => s.linkTrain),
        parts.map((p) => p.links.train.source.length),
      );
      assert.ok(meta.balance.linkTrain! < 1.5, `training edges balanced ${meta.balance.linkTrain}`);
    });
  });
}

Deno.test("loadPartitionLinks() reads the fixed negatives of a dataset without node labels", async () => {
  const ds = withNegatives(linked);
  await withPartitions(ds, { numPartitions: 2, partitioner: "random" }, async (dir) => {
    const meta = await loadPartitionMeta(dir);
    assert.deepEqual(meta.links, {
      train: ds.links!.train.source.length,
      valid: ds.links!.valid.source.length,
      test: ds.links!.test.source.length,
      validNeg: 30,
      testNeg: 20,
    });
    assert.equal(meta.dataset.numClasses, 0);
    const toOld = new Int32Array(meta.dataset.numNodes);
    for (let q = 0; q < 2; q++) {
      const p = await loadPartition(dir, q);
      p.origIds.forEach((v, i) => toOld[p.offset + i] = v);
      assert.equal(p.train.length, 0);
      assert.deepEqual(Array.from(new Set(p.labels)), [-1]);
    }
    const links = await loadPartitionLinks(dir, 1);
    assert.deepEqual(mapped(links.validNeg!, (id) => toOld[id]!), plain(ds.links!.validNeg!));
    assert.deepEqual(mapped(links.testNeg!, (id) => toOld[id]!), plain(ds.links!.testNeg!));
  });
});

Deno.test("partitionDataset() rejects a link edge naming a missing node", async () => {
  const n = linked.graph.numNodes;
  const bad = {
    ...linked,
    links: {
      ...linked.links!,
      test: { source: new Int32Array([0, n]), target: new Int32Array([1, 2]) },
    },
  };
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () =>
        partitionDataset(bad, {
          numPartitions: 2,
          partitioner: "random",
          output: `${dir}/out`,
          quiet: true,
        }),
      new RegExp(`links\\.test\\.source\\[1\\] is ${n}, expected a node in 0\\.\\.${n - 1}`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPartitionLinks() names meta.json for a directory without links", async () => {
  await withPartitions(synthetic, { numPartitions: 2, partitioner: "random" }, async (dir) => {
    await assert.rejects(
      () => loadPartitionLinks(dir, 0),
      (e: unknown) => namesFile("meta.json")(e) && /no link-prediction edges/.test(String(e)),
    );
  });
});

Deno.test("loadPartitionLinks() names a truncated, altered or missing link file", async () => {
  await withPartitions(
    withNegatives(linked),
    { numPartitions: 2, partitioner: "random" },
    async (dir) => {
      const train = `${dir}/part_1/link_train.bin`;
      const bytes = await Deno.readFile(train);
      await Deno.writeFile(train, bytes.subarray(0, bytes.length - 8));
      await assert.rejects(() => loadPartitionLinks(dir, 1), namesFile("part_1/link_train.bin"));
      await loadPartitionLinks(dir, 0); // the other partition's training edges are intact
      await Deno.writeFile(train, bytes);

      const test = `${dir}/link_test_neg.bin`;
      const neg = await Deno.readFile(test);
      neg[3]! ^= 0x01;
      await Deno.writeFile(test, neg);
      await assert.rejects(
        () => loadPartitionLinks(dir, 0),
        (e: unknown) => namesFile("link_test_neg.bin")(e) && /checksum/.test(String(e)),
      );
      neg[3]! ^= 0x01;
      await Deno.writeFile(test, neg);
      await Deno.remove(`${dir}/link_valid.bin`);
      await assert.rejects(() => loadPartitionLinks(dir, 0), namesFile("link_valid.bin"));
    },
  );
});

Deno.test("loadPartitionMeta() rejects edited link counts naming meta.json, the file and both counts", async () => {
  await withPartitions(linked, { numPartitions: 2, partitioner: "random" }, async (dir) => {
    const text = await Deno.readTextFile(`${dir}/meta.json`);
    // deno-lint-ignore no-explicit-any
    const edit = async (change: (m: Record<string, any>) => void) => {
      const meta = JSON.parse(text);
      change(meta);
      await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta));
    };
    const valid = linked.links!.valid.source.length;
    await edit((m) => m.links.valid = valid + 1);
    await assert.rejects(
      () => loadPartitionLinks(dir, 0),
      (e: unknown) =>
        namesFile("meta.json")(e) &&
        String(e).includes(`links.valid is ${valid + 1}, but link_valid.bin holds ${valid} edges`),
    );
    await edit((m) => m.partitions[1].linkTrain += 1);
    await assert.rejects(
      () => loadPartitionMeta(dir),
      /partitions\[1\]\.linkTrain is \d+, but part_1\/link_train\.bin holds \d+ edges/,
    );
    await edit((m) => m.links.testNeg = 5);
    await assert.rejects(() => loadPartitionMeta(dir), /lists no file link_test_neg\.bin/);
  });
});

Deno.test("loadPartitionLinks() refuses a directory of format version 1", async () => {
  await withPartitions(linked, { numPartitions: 2, partitioner: "random" }, async (dir) => {
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    meta.version = 1;
    await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta));
    await assert.rejects(
      () => loadPartitionLinks(dir, 0),
      (e: unknown) => namesFile("meta.json")(e) && /format version 1\b/.test(String(e)),
    );
  });
});
