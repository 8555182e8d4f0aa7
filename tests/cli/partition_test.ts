import assert from "node:assert/strict";
import { partitionCommand } from "../../cli/partition.ts";
import { UsageError } from "../../cli/usage_error.ts";
import { loadPartitionMeta } from "../../partition/load_partition_meta.ts";

const PARTITION = new URL("../../cli/partition.ts", import.meta.url).href;

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", PARTITION, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

for (
  const [flag, pattern] of [
    ["--num_partitions=0", /num_partitions.*positive integer/],
    ["--partitioner=metis", /random, frequency, locality/],
    ["--fanout=15,x", /fanout/],
    ["--fanout=15,0", /fanout.*positive integers/],
    ["--cache_ratio=1.5", /cache_ratio/],
    ["--scale=2", /scale/],
    ["--no_such_flag", /unknown option/],
  ] as const
) {
  Deno.test(`partitionCommand() rejects ${flag} with a usage error`, async () => {
    await assert.rejects(
      partitionCommand([flag, "--quiet"]),
      (e) => e instanceof UsageError && pattern.test(e.message),
    );
  });
}

Deno.test("partition ends a bad flag with one line and exit code 2", async () => {
  const r = await run(["--num_partitions=0"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /^webgnn partition: .*num_partitions/);
});

Deno.test("partition names a missing OGB file with exit code 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/raw`);
    const r = await run(["--dataset=ogbn-arxiv", `--dataset_root_dir=${dir}`, "--quiet"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /node-feat\.csv(\.gz)?: missing file/);
    assert.equal(r.stderr.split("\n").length, 1, r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("partitionCommand() partitions the synthetic graph and prints a JSON summary", async () => {
  const dir = await Deno.makeTempDir();
  const { log } = console;
  const out: string[] = [];
  console.log = (...xs: unknown[]) => out.push(xs.join(" "));
  try {
    await partitionCommand([
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
    const summary = JSON.parse(out.at(-1)!);
    assert.equal(summary.numPartitions, 3);
    assert.equal(summary.partitioner, "frequency");
    const meta = await loadPartitionMeta(`${dir}/p`);
    assert.deepEqual(meta.options, { cacheRatio: 0.1, fanout: [10, 5], seed: 4 });
  } finally {
    console.log = log;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("partition interrupted while writing removes its temporary directory and leaves --output as it was", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        PARTITION,
        "--scale=0.03",
        "--num_partitions=4",
        `--output=${parent}/p4`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Interrupt as soon as the hidden temporary directory appears.
    let seen = false;
    const deadline = performance.now() + 60_000;
    while (!seen && performance.now() < deadline) {
      for await (const e of Deno.readDir(parent)) seen ||= e.name.startsWith(".p4.tmp-");
      if (!seen) await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(seen, "the temporary directory appeared");
    child.kill("SIGINT");
    const { code, stderr } = await child.output();
    const text = new TextDecoder().decode(stderr);
    const left = [];
    for await (const e of Deno.readDir(parent)) left.push(e.name);
    // Writing may just have ended: then the output is whole and nothing hidden is left either.
    if (code === 0) assert.deepEqual(left, ["p4"]);
    else {
      assert.equal(code, 130, text);
      assert.match(text, /webgnn partition: interrupted by SIGINT; .*p4 is unchanged/);
      assert.deepEqual(left, []);
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
