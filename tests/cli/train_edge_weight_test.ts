// train, server and client with --edge_weight, as a user runs them: weighted
// runs on one node, on two collocated nodes and in server-client mode; a
// dataset or partition directory without weights is an error naming the
// flag and the directory; ranks that disagree on the flag are refused.
import assert from "node:assert/strict";
import { finish, freePort } from "../_cluster.ts";
import { parseClusterConfig } from "../../cli/cluster_config.ts";
import { parseLaunchFlags } from "../../cli/launch_flags.ts";
import { planLaunch } from "../../cli/plan_launch.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).pathname;
const SERVER = new URL("../../cli/server.ts", import.meta.url).pathname;
const CLIENT = new URL("../../cli/client.ts", import.meta.url).pathname;
const PREDICT = new URL("../../cli/predict.ts", import.meta.url).pathname;
const SECRET = "a test secret of the cluster";
const SMALL = [
  "--device=cpu",
  "--cpu_threads=1",
  "--quiet",
  "--epochs=1",
  "--batch_size=32",
  "--fanout=3,3",
  "--hidden=16",
  "--rpc_timeout_ms=20000",
];

/** Runs `script` with `args` (and the small model), node addresses from 127.0.0.`addr`. */
function spawn(script: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, ...SMALL, ...args],
    env: { WEBGNN_SECRET: SECRET },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** `parts/w` (weighted) and `parts/u` (unweighted), two partitions each, of one small graph. */
async function partitions(count = 2): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-edge-weight-train-" });
  for (const weighted of [true, false]) {
    await partitionDataset(
      generateSynthetic({ scale: 0.001, seed: 4, quiet: true, edgeWeights: weighted }),
      {
        numPartitions: count,
        partitioner: "random",
        output: `${dir}/${weighted ? "w" : "u"}`,
        quiet: true,
      },
    );
  }
  return dir;
}

/** Node `rank` of a 2-node collocated cluster with its coordinator on 127.0.0.2:port. */
function trainer(rank: number, port: number, args: string[]) {
  return spawn(TRAIN, [
    "--num_nodes=2",
    `--node_rank=${rank}`,
    "--master_addr=127.0.0.2",
    `--master_port=${port}`,
    `--node_addr=127.0.0.${rank + 2}`,
    ...args,
  ]);
}

const lastLine = (stderr: string) => stderr.trim().split("\n").at(-1) ?? "";

Deno.test("train --edge_weight on one node trains on the weighted synthetic graph; predict --edge_weight samples so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-edge-weight-predict-" });
  try {
    const model = `${dir}/m.safetensors`;
    const r = await finish(
      spawn(TRAIN, ["--scale=0.001", "--edge_weight", `--save_model=${model}`]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /fan-out \[3,3\] by edge weight, /);
    assert.match(r.stdout, /Epoch 1\/1: .*test accuracy/);
    const predict = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", PREDICT, `--model=${model}`, "--scale=0.001", ...args],
        stdin: "null",
      }).output();
    const ok = await predict([
      "--inference=sampled",
      "--edge_weight",
      `--output=${dir}/p.csv`,
      "--quiet",
    ]);
    assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
    const bad = await predict(["--edge_weight", `--output=${dir}/q.csv`]);
    assert.equal(bad.code, 2);
    assert.match(
      new TextDecoder().decode(bad.stderr),
      /--edge_weight is read only with --inference=sampled/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train and server --edge_weight on a partition directory without weights name the flag and the directory", async () => {
  const dir = await partitions();
  try {
    const port = freePort();
    const r = await finish(trainer(0, port, [`--dataset_root_dir=${dir}/u`, "--edge_weight"]));
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      lastLine(r.stderr),
      new RegExp(`--edge_weight: the partition directory ${dir}/u has no edge weights`),
    );
    const s = await finish(spawn(SERVER, [
      "--num_server_nodes=2",
      "--num_client_nodes=2",
      "--num_dataset_partitions=2",
      `--master_port=${port}`,
      `--dataset_root_dir=${dir}/u`,
      "--edge_weight",
    ]));
    assert.equal(s.code, 2, s.stderr);
    assert.match(lastLine(s.stderr), /--edge_weight: the partition directory .*\/u has no edge/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --edge_weight on two collocated nodes trains; nodes that disagree on it are refused naming the flag", async () => {
  const dir = await partitions();
  try {
    const parts = `--dataset_root_dir=${dir}/w`;
    let port = freePort();
    const ok = await Promise.all(
      [0, 1].map((rank) => finish(trainer(rank, port, [parts, "--edge_weight"]))),
    );
    for (const r of ok) assert.equal(r.code, 0, r.stderr);
    assert.match(ok[0]!.stdout, /fan-out \[3,3\] by edge weight, /);
    assert.match(ok[0]!.stdout, /Epoch 1\/1: .*test accuracy/);
    port = freePort();
    const refused = await Promise.all([
      finish(trainer(0, port, [parts, "--edge_weight"])),
      finish(trainer(1, port, [parts])),
    ]);
    for (const [rank, r] of refused.entries()) {
      assert.notEqual(r.code, 0, `node ${rank} must fail`);
      assert.doesNotMatch(r.stdout, /Epoch 1\/1/);
      assert.match(
        lastLine(r.stderr),
        /has --edge_weight=(on|off) but rank [01] .* has --edge_weight=(off|on)/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server/client --edge_weight: one server and one client train by weight; a client without the flag is refused", async () => {
  const dir = await partitions(1);
  try {
    const cluster = (port: number, addr: number) => [
      "--num_server_nodes=1",
      "--num_client_nodes=1",
      "--num_dataset_partitions=1",
      "--master_addr=127.0.0.2",
      `--master_port=${port}`,
      `--node_addr=127.0.0.${addr}`,
      `--dataset_root_dir=${dir}/w`,
    ];
    let port = freePort();
    const ok = await Promise.all([
      finish(spawn(SERVER, [...cluster(port, 2), "--edge_weight"])),
      finish(spawn(CLIENT, [...cluster(port, 3), "--edge_weight"])),
    ]);
    for (const r of ok) assert.equal(r.code, 0, r.stderr);
    assert.match(ok[1]!.stdout, /fan-out \[3,3\] by edge weight, /);
    assert.match(ok[1]!.stdout, /Epoch 1\/1: .*test accuracy/);
    port = freePort();
    const refused = await Promise.all([
      finish(spawn(SERVER, [...cluster(port, 2), "--edge_weight"])),
      finish(spawn(CLIENT, cluster(port, 3))),
    ]);
    for (const r of refused) {
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /--edge_weight=(on|off)/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launch passes --edge_weight to every trainer, and to every server and client", () => {
  const yaml = (mode: string, roles: string[]) =>
    `mode: ${mode}\ndefaults: {working_dir: /opt/webgnn, dataset_root_dir: data/p}\nnodes:\n` +
    roles.map((r, i) => `  - {host: 10.0.0.${i + 1}${r ? `, role: ${r}` : ""}}`).join("\n");
  const flags = parseLaunchFlags(["--config=cluster.yml", "--edge_weight", "--epochs=2"]);
  for (
    const config of [
      yaml("collocated", ["", ""]),
      yaml("server-client", ["server", "client", "client"]),
    ]
  ) {
    const nodes = planLaunch(parseClusterConfig(config, "cluster.yml"), flags);
    for (const node of nodes) {
      assert.ok(node.argv.some((a) => a.includes("--edge_weight")), `${node.name}: ${node.argv}`);
    }
  }
});
