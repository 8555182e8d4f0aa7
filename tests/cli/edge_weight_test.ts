// --edge_weight as a user runs it: partition keeps or generates the weights,
// and a dataset or partition directory without them is an error naming the
// flag and the directory.
import assert from "node:assert/strict";
import { loadPartition } from "../../partition/load_partition.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";

const PARTITION = new URL("../../cli/partition.ts", import.meta.url).pathname;
const TRAIN = new URL("../../cli/train.ts", import.meta.url).pathname;

async function run(script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, ...args, "--quiet"],
    stdin: "null",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

function usage(r: { code: number; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-edge-weight-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A 30-node graph in OGB's raw layout, with `raw/edge-weight.csv` when `weights` is given. */
async function ogbDirectory(root: string, weights?: (line: number) => number): Promise<void> {
  const n = 30;
  const lines = (f: (i: number) => string, count = n) =>
    Array.from({ length: count }, (_, i) => f(i)).join("\n") + "\n";
  await Deno.mkdir(`${root}/raw`, { recursive: true });
  await Deno.mkdir(`${root}/split/s`, { recursive: true });
  const edges = 3 * n;
  await Deno.writeTextFile(
    `${root}/raw/edge.csv`,
    lines((i) => `${i % n},${(i * 7 + 1 + Math.floor(i / n)) % n}`, edges),
  );
  if (weights) {
    await Deno.writeTextFile(
      `${root}/raw/edge-weight.csv`,
      lines((i) => String(weights(i)), edges),
    );
  }
  await Deno.writeTextFile(`${root}/raw/node-feat.csv`, lines((i) => `${i % 3},${i / n},1`));
  await Deno.writeTextFile(`${root}/raw/node-label.csv`, lines((i) => `${i % 2}`));
  const ids = (from: number, count: number) => lines((i) => `${from + i}`, count);
  await Deno.writeTextFile(`${root}/split/s/train.csv`, ids(0, 20));
  await Deno.writeTextFile(`${root}/split/s/valid.csv`, ids(20, 5));
  await Deno.writeTextFile(`${root}/split/s/test.csv`, ids(25, 5));
}

Deno.test("partition --edge_weight generates the synthetic graph's weights; without it none are written", async () => {
  await withDir(async (dir) => {
    const weighted = await run(PARTITION, ["--scale=0.001", "--edge_weight", `--output=${dir}/w`]);
    assert.equal(weighted.code, 0, weighted.stderr);
    const meta = await loadPartitionMeta(`${dir}/w`);
    assert.ok(meta.edgeWeights !== null && meta.edgeWeights.maxWeight > 1);
    const p0 = await loadPartition(`${dir}/w`, 0);
    assert.equal(p0.edgeWeights?.length, p0.graph.indices.length);
    const plain = await run(PARTITION, ["--scale=0.001", `--output=${dir}/u`]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal((await loadPartitionMeta(`${dir}/u`)).edgeWeights, null);
  });
});

Deno.test("partition keeps an OGB directory's weights, and --edge_weight without them names the flag and the directory", async () => {
  await withDir(async (dir) => {
    await ogbDirectory(`${dir}/weighted`, (i) => i % 4);
    await ogbDirectory(`${dir}/plain`);
    const kept = await run(PARTITION, [`--dataset=${dir}/weighted`, `--output=${dir}/pw`]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.deepEqual((await loadPartitionMeta(`${dir}/pw`)).edgeWeights, { maxWeight: 3 });
    usage(
      await run(PARTITION, [`--dataset=${dir}/plain`, "--edge_weight", `--output=${dir}/pp`]),
      new RegExp(`--edge_weight: ${dir}/plain has no edge weights \\(no raw/edge-weight.csv`),
    );
  });
});

Deno.test("train on a partition directory of format version 1 says which directory, both versions and how to re-partition", async () => {
  await withDir(async (dir) => {
    const made = await run(PARTITION, ["--scale=0.001", `--output=${dir}/old`]);
    assert.equal(made.code, 0, made.stderr);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/old/meta.json`));
    meta.version = 1;
    delete meta.edgeWeights;
    await Deno.writeTextFile(`${dir}/old/meta.json`, JSON.stringify(meta));
    const r = await run(TRAIN, ["--num_nodes=2", `--dataset_root_dir=${dir}/old`, "--device=cpu"]);
    assert.notEqual(r.code, 0);
    const last = r.stderr.split("\n").at(-1)!;
    assert.match(last, new RegExp(`partition directory ${dir}/old has format version 1`));
    assert.match(last, /this code reads version 2: re-partition it/);
    assert.match(last, new RegExp(`deno task partition --output=${dir}/old --overwrite`));
  });
});
