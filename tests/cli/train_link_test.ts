import assert from "node:assert/strict";
import { finish, freePort } from "../_cluster.ts";
import { writePlantedOgb } from "./_link_fixture.ts";

const CLI = (name: string) => new URL(`../../cli/${name}.ts`, import.meta.url).href;
const SECRET = "a test secret of the cluster";
/** Small and quick: the planted graph has 320 nodes and about 1,300 undirected edges. */
const SMALL = [
  "--fanout=5,5",
  "--hidden=32",
  "--batch_size=64",
  "--eval_batch_size=256",
  "--lr=0.01",
  "--dropout=0",
  "--device=cpu",
  "--cpu_threads=1",
  "--quiet",
];

/** Runs `deno task NAME ARGS` to its end. */
function run(name: string, args: string[]): ReturnType<typeof finish> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI(name), ...args],
    env: { WEBGNN_SECRET: SECRET },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return finish(child);
}

// deno-lint-ignore no-explicit-any
type Line = Record<string, any>;

async function lines(path: string): Promise<Line[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("train --task=link on one node learns the planted graph's links (test AUC well above 0.5 and above the features-only MLP's) and writes the link metrics", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-link-" });
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "node" });
    const r = await run("train", [
      "--task=link",
      `--dataset=${dir}/g`,
      "--edge_split=0.8,0.1,0.1",
      "--epochs=5",
      `--metrics=${dir}/m.jsonl`,
      ...SMALL,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1040 train \/ 130 valid \/ 130 test edges \(link prediction\)/);
    assert.match(
      r.stdout,
      /Epoch 5\/5: .*sampling .*features .*training .*loss \d\.\d+, valid AUC \d\.\d+, recall \d\.\d+, test AUC \d\.\d+, recall/,
    );
    const m = await lines(`${dir}/m.jsonl`);
    assert.equal(m.length, 5);
    // Every training edge once per epoch: the seeds are edge ids 0 .. 1039.
    assert.deepEqual([m[0]!.seeds, m[0]!.seedSum], [1040, 1040 * 1039 / 2]);
    assert.ok(m[4]!.testAuc > 0.75, `test AUC ${m[4]!.testAuc}`);
    assert.ok(m[4]!.loss < m[0]!.loss, `loss ${m[0]!.loss} -> ${m[4]!.loss}`);
    assert.equal(m[4]!.testAccuracy, null);
    assert.equal(typeof m[4]!.validRecall, "number");
    assert.ok(m[4]!.testRoundedAuc > 0.5 && m[4]!.testRoundedAuc <= 1);
    // The features alone (no neighbours: an MLP) say less about the links than the graph.
    const mlp = await run("train", [
      "--task=link",
      `--dataset=${dir}/g`,
      "--edge_split=0.8,0.1,0.1",
      "--epochs=5",
      `--metrics=${dir}/mlp.jsonl`,
      ...SMALL,
      "--fanout=0,0",
    ]);
    assert.equal(mlp.code, 0, mlp.stderr);
    const baseline = (await lines(`${dir}/mlp.jsonl`))[4]!.testAuc;
    assert.ok(m[4]!.testAuc > baseline + 0.05, `AUC ${m[4]!.testAuc}, MLP's ${baseline}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --task=link on an ogbl-style split with fixed negatives reports Hits@K and MRR", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-link-" });
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "link" });
    const r = await run("train", [
      "--task=link",
      `--dataset=${dir}/g`,
      "--epochs=1",
      "--neg_sampling=triplet",
      "--neg_ratio=2",
      "--out_channels=16",
      `--metrics=${dir}/m.jsonl`,
      ...SMALL,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /test AUC \d\.\d+, recall \d\.\d+, hits@20 \d\.\d+, hits@50 .*MRR \d\.\d+/,
    );
    const [m] = await lines(`${dir}/m.jsonl`);
    assert.deepEqual(Object.keys(m!.testHits), ["20", "50", "100"]);
    assert.equal(typeof m!.validMrr, "number");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --task=link on 2 nodes (1 + 2 trainers) uses every training edge once per epoch, every trainer reports one AUC, close to one node's on the same edges", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-link-" });
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "node" });
    const split = "--edge_split=0.8,0.1,0.1";
    const p = await run("partition", [
      `--dataset=${dir}/g`,
      split,
      "--num_partitions=2",
      `--output=${dir}/p2`,
      "--quiet",
    ]);
    assert.equal(p.code, 0, p.stderr);
    const port = freePort();
    const args = [
      "--task=link",
      `--dataset_root_dir=${dir}/p2`,
      "--num_nodes=2",
      "--master_addr=127.0.0.1",
      `--master_port=${port}`,
      "--epochs=4",
      `--metrics=${dir}/m{rank}.jsonl`,
      ...SMALL,
      // Three trainers of 21 edges each step average about one node's 64.
      "--batch_size=21",
    ];
    const [n0, n1, one] = await Promise.all([
      run("train", [...args, "--node_rank=0"]),
      run("train", [...args, "--node_rank=1", "--num_training_procs=2"]),
      run("train", [
        "--task=link",
        `--dataset=${dir}/g`,
        split,
        "--epochs=4",
        `--metrics=${dir}/one.jsonl`,
        ...SMALL,
      ]),
    ]);
    for (const r of [n0, n1, one]) assert.equal(r.code, 0, r.stderr);
    const ranks = await Promise.all([0, 1, 2].map((r) => lines(`${dir}/m${r}.jsonl`)));
    const single = await lines(`${dir}/one.jsonl`);
    for (let e = 0; e < 4; e++) {
      const sum = (k: string) => ranks.reduce((s, m) => s + m[e]![k], 0);
      assert.deepEqual(
        [sum("seeds"), sum("seedSum"), sum("seedSquareSum")],
        [single[e]!.seeds, single[e]!.seedSum, single[e]!.seedSquareSum],
        `epoch ${e + 1}: the training edges, each once`,
      );
      const aucs = ranks.map((m) => m[e]!.testAuc);
      assert.ok(aucs.every((a) => a === aucs[0]), `one AUC on every trainer: ${aucs}`);
    }
    const last = ranks[0]![3]!.testAuc, alone = single[3]!.testAuc;
    assert.ok(last > 0.7 && alone > 0.7, `AUC ${last} (2 nodes) and ${alone} (1 node)`);
    assert.ok(Math.abs(last - alone) < 0.1, `AUC ${last} (2 nodes) vs ${alone} (1 node)`);
    const loss = ranks.reduce((s, m) => s + m[3]!.loss, 0) / 3;
    assert.ok(Math.abs(loss - single[3]!.loss) < 0.05, `loss ${loss} vs ${single[3]!.loss}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server/client --task=link: 1 server and 2 clients use every training edge once per epoch, agree on the AUC and learn", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-link-" });
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "node" });
    const p = await run("partition", [
      `--dataset=${dir}/g`,
      "--edge_split=0.8,0.1,0.1",
      "--num_partitions=1",
      `--output=${dir}/p1`,
      "--quiet",
    ]);
    assert.equal(p.code, 0, p.stderr);
    const args = [
      "--task=link",
      `--dataset_root_dir=${dir}/p1`,
      "--num_server_nodes=1",
      "--num_client_nodes=1",
      "--num_client_procs_per_node=2",
      "--num_dataset_partitions=1",
      `--master_port=${freePort()}`,
      "--epochs=4",
      ...SMALL,
    ];
    const [server, client] = await Promise.all([
      run("server", args),
      run("client", [...args, `--metrics=${dir}/c{rank}.jsonl`]),
    ]);
    assert.equal(server.code, 0, server.stderr);
    assert.equal(client.code, 0, client.stderr);
    assert.match(server.stdout, /1040 training edges/);
    assert.match(server.stdout, /epoch 4\/4: .*loss \d\.\d+, valid AUC \d\.\d+, test AUC \d\.\d+/);
    const clients = await Promise.all([0, 1].map((c) => lines(`${dir}/c${c}.jsonl`)));
    for (let e = 0; e < 4; e++) {
      const seeds = clients[0]![e]!.seeds + clients[1]![e]!.seeds;
      const sum = clients[0]![e]!.seedSum + clients[1]![e]!.seedSum;
      assert.deepEqual([seeds, sum], [1040, 1040 * 1039 / 2], `epoch ${e + 1}`);
      assert.equal(clients[0]![e]!.testAuc, clients[1]![e]!.testAuc);
    }
    assert.ok(clients[0]![3]!.testAuc > 0.7, `test AUC ${clients[0]![3]!.testAuc}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --task=link resumed from a checkpoint repeats the uninterrupted run, and a checkpoint of other link settings is refused by name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-link-" });
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "node" });
    const base = ["--task=link", `--dataset=${dir}/g`, "--edge_split=0.8,0.1,0.1", ...SMALL];
    const ck = `--checkpoint_dir=${dir}/ck`;
    const whole = await run("train", [...base, "--epochs=3", `--metrics=${dir}/whole.jsonl`]);
    const first = await run("train", [...base, ck, "--epochs=2"]);
    const rest = await run("train", [
      ...base,
      ck,
      "--epochs=3",
      "--resume",
      `--metrics=${dir}/rest.jsonl`,
    ]);
    for (const r of [whole, first, rest]) assert.equal(r.code, 0, r.stderr);
    const [a] = (await lines(`${dir}/whole.jsonl`)).slice(2),
      [b] = await lines(`${dir}/rest.jsonl`);
    assert.deepEqual([b!.epoch, b!.loss, b!.testAuc], [3, a!.loss, a!.testAuc]);
    const other = await run("train", [...base, ck, "--epochs=3", "--resume", "--neg_ratio=2"]);
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /made with --neg_ratio=1, this run has --neg_ratio=2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
