// A cluster refuses inconsistent input before training: nodes started with
// different flags or different partition directories, and meta.json files
// whose counts were edited. Real processes on loopback addresses.
import assert from "node:assert/strict";
import { finish, freePort, runCli, trainNode } from "../_cluster.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

/** Starts node `rank` of a 2-node cluster whose coordinator is on 127.0.0.2:port. */
const node = (rank: number, port: number, args: string[]) =>
  trainNode(rank, 2, port, [
    "--cpu_threads=1",
    "--epochs=1",
    "--batch_size=16",
    "--fanout=3,3",
    "--hidden=16",
    "--rpc_timeout_ms=20000",
    ...args,
  ]);

/** The last line a process printed on stderr. */
const lastLine = (stderr: string) => stderr.trim().split("\n").at(-1) ?? "";

/** One graph, partitioned twice into 2 parts: `random/` and `locality/`. */
async function twoPartitionings(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-consistency-test-" });
  const dataset = generateSynthetic({ scale: 0.001, seed: 3, quiet: true });
  for (const partitioner of ["random", "locality"] as const) {
    await partitionDataset(dataset, {
      numPartitions: 2,
      partitioner,
      output: `${dir}/${partitioner}`,
      quiet: true,
    });
  }
  return dir;
}

/** Runs both nodes; both must fail, each last line matching every pattern. */
async function bothRefused(args: [string[], string[]], patterns: RegExp[]) {
  const port = freePort();
  const results = await Promise.all([node(0, port, args[0]), node(1, port, args[1])].map(finish));
  for (const [rank, r] of results.entries()) {
    assert.notEqual(r.code, 0, `node ${rank} must fail:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /Epoch 1\/1/, `node ${rank} trained nothing`);
    const line = lastLine(r.stderr);
    for (const p of patterns) assert.match(line, p, `node ${rank}: ${line}`);
  }
}

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function editMeta(dir: string, edit: (meta: Json) => void) {
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)) as Json;
  edit(meta);
  await Deno.writeTextFile(`${dir}/meta.json`, JSON.stringify(meta, null, 2));
}

Deno.test("consistency: nodes with different --lr, --seed or --batch_size are refused before training, naming both ranks and the flag", async () => {
  const dir = await twoPartitionings();
  try {
    const parts = `--dataset_root_dir=${dir}/random`;
    await bothRefused([[parts, "--lr=0.003"], [parts, "--lr=0.01"]], [
      /rank 1 \(trainer at ws:\/\/127\.0\.0\.3:\d+\) has --lr=0\.01/,
      /rank 0 \(trainer at ws:\/\/127\.0\.0\.2:\d+\) has --lr=0\.003/,
    ]);
    // The first flag that differs is named.
    await bothRefused([[parts, "--seed=1", "--batch_size=32"], [parts, "--seed=2"]], [
      /rank [01] .* has --batch_size=(32|16) but rank [01] .* has --batch_size=(16|32)/,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("consistency: nodes given different partitionings of one graph are refused, naming the partitioner", async () => {
  const dir = await twoPartitionings();
  try {
    await bothRefused(
      [[`--dataset_root_dir=${dir}/random`], [`--dataset_root_dir=${dir}/locality`]],
      [/rank [01] \(trainer .*\) has partitioner=(random|locality) .* but rank [01] \(trainer .*\) has partitioner=/],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("consistency: an edited meta.json count fails its node naming the file and both counts; edited consistently, the cluster is refused", async () => {
  const dir = await twoPartitionings();
  try {
    const copy = `${dir}/copy`;
    await Deno.mkdir(copy);
    for await (const e of Deno.readDir(`${dir}/random`)) {
      if (e.isFile) await Deno.copyFile(`${dir}/random/${e.name}`, `${copy}/${e.name}`);
      else {
        await Deno.mkdir(`${copy}/${e.name}`);
        for await (const f of Deno.readDir(`${dir}/random/${e.name}`)) {
          await Deno.copyFile(`${dir}/random/${e.name}/${f.name}`, `${copy}/${e.name}/${f.name}`);
        }
      }
    }
    let train = 0;
    await editMeta(copy, (m) => {
      train = m.partitions[0].train;
      m.partitions[0].train = train * 3;
    });
    const alone = await finish(node(1, freePort(), [`--dataset_root_dir=${copy}`]));
    assert.notEqual(alone.code, 0);
    assert.match(
      lastLine(alone.stderr),
      new RegExp(
        `meta\\.json: partitions\\[0\\]\\.train is ${
          train * 3
        }, but part_0/train\\.bin holds ${train} ids`,
      ),
    );
    // The count and the listed shape edited alike: node 1 cannot check
    // partition 0's file, but its meta.json no longer matches node 0's.
    await editMeta(copy, (m) => m.files["part_0/train.bin"].shape = [train * 3]);
    await bothRefused(
      [[`--dataset_root_dir=${dir}/random`], [`--dataset_root_dir=${copy}`]],
      [/rank [01] \(trainer .*\) has partition meta\.json sha256=[0-9a-f]{64} but rank [01] \(trainer .*\) has/],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("consistency: a client whose --fanout differs from its server's is refused, naming both", async () => {
  const dir = await twoPartitionings();
  try {
    const port = freePort();
    const common = [
      "--num_server_nodes=1",
      "--num_client_nodes=1",
      "--num_dataset_partitions=1",
      "--master_addr=127.0.0.2",
      `--master_port=${port}`,
      "--device=cpu",
      "--cpu_threads=1",
      "--quiet",
      "--epochs=1",
      "--rpc_timeout_ms=20000",
    ];
    await partitionDataset(generateSynthetic({ scale: 0.001, seed: 3, quiet: true }), {
      numPartitions: 1,
      partitioner: "random",
      output: `${dir}/one`,
      quiet: true,
    });
    const run = (name: string, args: string[]) => finish(runCli(name, [...common, ...args]));
    const results = await Promise.all([
      run("server", [
        "--node_addr=127.0.0.2",
        `--dataset_root_dir=${dir}/one`,
        "--fanout=3,3",
      ]),
      run("client", ["--node_addr=127.0.0.3", "--fanout=5,5"]),
    ]);
    for (const r of results) {
      assert.notEqual(r.code, 0, r.stdout + r.stderr);
      assert.match(
        lastLine(r.stderr),
        /rank [01] \((server|client) at ws:\/\/127\.0\.0\.[23]:\d+\) has --fanout=[35],[35] but rank [01] \((server|client) at .*\) has --fanout=/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
