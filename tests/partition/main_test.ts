import assert from "node:assert/strict";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";
import { runPartitionCli } from "../../partition/main.ts";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...xs: unknown[]) => out.push(xs.join(" "));
  console.error = (...xs: unknown[]) => err.push(xs.join(" "));
  try {
    const code = await runPartitionCli(args);
    return { code, out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

for (
  const [flag, pattern] of [
    ["--num_partitions=0", /num_partitions.*positive integer/],
    ["--partitioner=metis", /random, frequency, locality/],
    ["--fanout=15,x", /fanout.*positive integers/],
    ["--cache_ratio=1.5", /cache_ratio/],
    ["--scale=2", /scale/],
    ["--no_such_flag", /unknown option/],
  ] as const
) {
  Deno.test(`runPartitionCli() rejects ${flag} with one line and exit code 2`, async () => {
    const { code, err } = await run([flag, "--quiet"]);
    assert.equal(code, 2);
    assert.equal(err.length, 1);
    assert.match(err[0]!, /^error: /);
    assert.match(err[0]!, pattern);
    assert.doesNotMatch(err[0]!, /\n\s+at /);
  });
}

Deno.test("runPartitionCli() names a missing OGB file with exit code 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, err } = await run([
      "--dataset=ogbn-arxiv",
      `--dataset_root_dir=${dir}`,
      "--quiet",
    ]);
    assert.equal(code, 1);
    assert.match(err[0]!, /node-feat\.csv\.gz: missing file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runPartitionCli() partitions the synthetic graph and prints a JSON summary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, out } = await run([
      "--dataset=synthetic",
      "--scale=0.001",
      "--num_partitions=3",
      "--partitioner=frequency",
      "--fanout=10,5",
      "--cache_ratio=0.1",
      "--seed=4",
      `--output=${dir}/p`,
      "--quiet",
    ]);
    assert.equal(code, 0);
    const summary = JSON.parse(out.at(-1)!);
    assert.equal(summary.numPartitions, 3);
    assert.equal(summary.partitioner, "frequency");
    const meta = await loadPartitionMeta(`${dir}/p`);
    assert.deepEqual(meta.options, { cacheRatio: 0.1, fanout: [10, 5], seed: 4 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
