// partition as a user runs it: what it refuses to overwrite, what it checks
// before loading anything, its defaults, and OGB-layout directories of any name.
import assert from "node:assert/strict";
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

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-partition-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function usage(r: { code: number; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.split("\n").length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

Deno.test("partition --output never replaces what is not a partition directory, and a partition directory only with --overwrite", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/notes`);
    await Deno.writeTextFile(`${dir}/notes/keep.txt`, "precious");
    await Deno.writeTextFile(`${dir}/file.txt`, "precious");
    for (const target of ["notes", "file.txt"]) {
      usage(
        await run(PARTITION, ["--scale=0.001", `--output=${dir}/${target}`]),
        /--output=.* holds something that is not a webgnn partition directory/,
      );
    }
    assert.equal(await Deno.readTextFile(`${dir}/notes/keep.txt`), "precious");
    assert.equal(await Deno.readTextFile(`${dir}/file.txt`), "precious");
    const first = await run(PARTITION, ["--scale=0.001", `--output=${dir}/p`]);
    assert.equal(first.code, 0, first.stderr);
    usage(
      await run(PARTITION, ["--scale=0.001", "--num_partitions=3", `--output=${dir}/p`]),
      /already holds a partition directory; pass --overwrite to replace it/,
    );
    assert.equal((await loadPartitionMeta(`${dir}/p`)).numPartitions, 2);
    const again = await run(PARTITION, [
      "--scale=0.001",
      "--num_partitions=3",
      `--output=${dir}/p`,
      "--overwrite",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await loadPartitionMeta(`${dir}/p`)).numPartitions, 3);
  });
});

Deno.test("partition names the flag for an unwritable --output, too many partitions and a directory the synthetic graph ignores", async () => {
  await withDir(async (dir) => {
    // Checked before loading: ogbn-products' full synthetic size would take minutes.
    const t0 = performance.now();
    usage(
      await run(PARTITION, ["--scale=1", "--output=/proc/x"]),
      /--output=\/proc\/x: cannot write in \/proc/,
    );
    assert.ok(performance.now() - t0 < 20_000, "refused before generating the graph");
    usage(
      await run(PARTITION, ["--scale=0.001", "--num_partitions=5000", `--output=${dir}/q`]),
      /--num_partitions=5000: more partitions than .*'s 2449 nodes/,
    );
    usage(
      await run(PARTITION, ["--scale=0.001", `--dataset_root_dir=${dir}`, `--output=${dir}/r`]),
      /--dataset_root_dir=.* has no effect with --dataset=synthetic/,
    );
  });
});

Deno.test("partition --scale defaults to train's 0.01", async () => {
  await withDir(async (dir) => {
    const r = await run(PARTITION, [`--output=${dir}/p`, "--fanout=5"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.split("\n").at(-1)!).dataset, "synthetic-products-0.01");
  });
});

/** A small graph in OGB's raw layout, under a name that is not ogbn-*, with two splits. */
async function ogbDirectory(root: string): Promise<void> {
  const n = 40;
  const lines = (f: (i: number) => string, count = n) =>
    Array.from({ length: count }, (_, i) => f(i)).join("\n") + "\n";
  await Deno.mkdir(`${root}/raw`, { recursive: true });
  await Deno.writeTextFile(`${root}/raw/edge.csv`, lines((i) => `${i},${(i * 7 + 1) % n}`));
  await Deno.writeTextFile(`${root}/raw/node-feat.csv`, lines((i) => `${i % 3},${i / n},1`));
  await Deno.writeTextFile(`${root}/raw/node-label.csv`, lines((i) => `${i % 4}`));
  for (const [split, offset] of [["a", 0], ["b", 20]] as const) {
    await Deno.mkdir(`${root}/split/${split}`, { recursive: true });
    const ids = (from: number, count: number) => lines((i) => `${(from + i) % n}`, count);
    await Deno.writeTextFile(`${root}/split/${split}/train.csv`, ids(offset, 12));
    await Deno.writeTextFile(`${root}/split/${split}/valid.csv`, ids(offset + 12, 4));
    await Deno.writeTextFile(`${root}/split/${split}/test.csv`, ids(offset + 16, 4));
  }
}

Deno.test("partition and train load any OGB-layout directory (--dataset=ogb or a path), asking for --split when it has several", async () => {
  await withDir(async (dir) => {
    const data = `${dir}/my-graph`;
    await ogbDirectory(data);
    usage(
      await run(PARTITION, ["--dataset=ogb", `--dataset_root_dir=${data}`, `--output=${dir}/p`]),
      /split holds several splits \(a, b\): choose one with --split=NAME/,
    );
    usage(
      await run(PARTITION, [`--dataset=${data}`, "--split=c", `--output=${dir}/p`]),
      /--split=c: no .*split\/c\/ \(splits there: a, b\)/,
    );
    const byName = await run(PARTITION, [
      "--dataset=ogb",
      `--dataset_root_dir=${data}`,
      "--split=b",
      "--fanout=2",
      `--output=${dir}/p`,
    ]);
    assert.equal(byName.code, 0, byName.stderr);
    const meta = await loadPartitionMeta(`${dir}/p`);
    assert.equal(meta.dataset.name, "my-graph");
    assert.equal(meta.dataset.numNodes, 40);
    const train = await run(TRAIN, [
      `--dataset=${data}`,
      "--split=a",
      "--epochs=1",
      "--batch_size=8",
      "--fanout=2,2",
      "--hidden=8",
      "--device=cpu",
    ]);
    assert.equal(train.code, 0, train.stderr);
    assert.match(train.stdout, /Epoch 1\/1: .*test accuracy/);
  });
});
