import assert from "node:assert/strict";
import { partitionCommand } from "../../cli/partition.ts";
import { UsageError } from "../../cli/usage_error.ts";
import { loadPartitionLinks } from "../../partition/load_partition_links.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";

const PARTITION = new URL("../../cli/partition.ts", import.meta.url).href;

/** Runs `partitionCommand` with console.log captured; returns its lines. */
async function partition(args: string[]): Promise<string[]> {
  const { log } = console;
  const out: string[] = [];
  console.log = (...xs: unknown[]) => out.push(xs.join(" "));
  try {
    await partitionCommand([...args, "--quiet"]);
  } finally {
    console.log = log;
  }
  return out;
}

async function withDir(body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A link dataset in OGB's raw layout (no labels) under `dir/ogbl_tiny`. */
async function writeLinkDataset(dir: string): Promise<string> {
  const root = `${dir}/ogbl_tiny`;
  const files: Record<string, string> = {
    "raw/edge.csv": "0,1\n1,2\n2,3\n3,4\n4,5\n5,0\n",
    "raw/node-feat.csv": "1,0\n0,1\n1,1\n2,0\n0,2\n3,3\n",
    "split/collab/train.csv": "0,1\n1,2\n2,3\n3,4\n4,5\n5,0\n",
    "split/collab/valid.csv": "0,3\n",
    "split/collab/test.csv": "1,4\n2,5\n",
    "split/collab/test_neg.csv": "0,2\n1,3\n2,4\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  return root;
}

for (const bad of ["0.8,0.1", "0.9,0.1,0.1", "0.8,-0.1,0.3", "a,b,c"]) {
  Deno.test(`partitionCommand() rejects --edge_split=${bad} naming the flag`, async () => {
    await assert.rejects(
      partitionCommand([`--edge_split=${bad}`, "--quiet"]),
      (e) =>
        e instanceof UsageError && /--edge_split/.test(e.message) && /sum to 1/.test(e.message),
    );
  });
}

Deno.test("partition --edge_split writes a link-prediction partition directory of the synthetic graph", async () => {
  await withDir(async (dir) => {
    const out = await partition([
      "--scale=0.001",
      "--num_partitions=2",
      "--partitioner=random",
      "--edge_split=0.85,0.05,0.10",
      "--seed=3",
      `--output=${dir}/p`,
    ]);
    const summary = JSON.parse(out.at(-1)!);
    const meta = await loadPartitionMeta(`${dir}/p`);
    assert.deepEqual(summary.links, meta.links);
    assert.match(out.at(-2)!, /link edges \d+ train \(balance [\d.]+\) \/ \d+ valid \/ \d+ test/);
    const { train, valid, test } = meta.links!;
    // the graph kept exactly the training edges, both directions
    assert.equal(meta.dataset.numEdges, 2 * train);
    assert.equal(valid, Math.round((train + valid + test) * 0.05));
    assert.equal(test, Math.round((train + valid + test) * 0.1));
    const [l0, l1] = [
      await loadPartitionLinks(`${dir}/p`, 0),
      await loadPartitionLinks(`${dir}/p`, 1),
    ];
    assert.equal(l0.train.source.length + l1.train.source.length, train);
    assert.equal(l1.trainOffset, l0.train.source.length);
  });
});

Deno.test("partition writes the link split of an ogbl-style dataset and refuses --edge_split on it", async () => {
  await withDir(async (dir) => {
    const root = await writeLinkDataset(dir);
    const args = ["--dataset=ogbl-tiny", `--dataset_root_dir=${dir}`, "--num_partitions=2"];
    await partition([...args, `--output=${dir}/p`]);
    const meta = await loadPartitionMeta(`${dir}/p`);
    assert.equal(meta.dataset.name, "ogbl-tiny");
    assert.equal(meta.dataset.numClasses, 0);
    assert.deepEqual(meta.links, { train: 6, valid: 1, test: 2, testNeg: 3 });
    await assert.rejects(
      partition([...args, "--edge_split=0.8,0.1,0.1", `--output=${dir}/q`]),
      (e) => e instanceof UsageError && /already has a link split/.test(e.message),
    );
    // node classification on it is refused by name, not by a model without classes
    const train = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL("../../cli/train.ts", import.meta.url).href,
        `--dataset=${root}`,
        "--epochs=1",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(train.stderr);
    assert.equal(train.code, 2, stderr);
    assert.match(
      stderr,
      /ogbl_tiny has no node labels .* node classification cannot train on it; it holds link-prediction edges/,
    );
  });
});

Deno.test("partition --edge_split takes an OGB-layout graph without split/ or labels", async () => {
  await withDir(async (dir) => {
    const root = await writeLinkDataset(dir);
    await Deno.remove(`${root}/split`, { recursive: true });
    const args = [`--dataset=${root}`, "--num_partitions=2", `--output=${dir}/p`];
    await assert.rejects(partition(args), /missing split directory/);
    await partition([...args, "--edge_split=0.5,0.25,0.25"]);
    const meta = await loadPartitionMeta(`${dir}/p`);
    // 6 edges: round(1.5) each to validation and test, the rest to training
    assert.deepEqual(meta.links, { train: 2, valid: 2, test: 2 });
    assert.equal(meta.dataset.numEdges, 4);
  });
});

Deno.test("partition ends a bad --edge_split with one line and exit code 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", PARTITION, "--edge_split=0.5,0.5"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 2);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /^webgnn partition: .*--edge_split.*sum to 1/);
});
