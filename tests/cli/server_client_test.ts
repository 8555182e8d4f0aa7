import assert from "node:assert/strict";
import { finish, freePort, partitioned } from "../_cluster.ts";
import { loadPartition } from "../../partition/load_partition.ts";
import { readSpec } from "../engine/_safetensors_spec.ts";

const SERVER = new URL("../../cli/server.ts", import.meta.url).href;
const CLIENT = new URL("../../cli/client.ts", import.meta.url).href;
const SECRET = "a test secret of the cluster";

/**
 * Starts a server or client node of a cluster whose coordinator (server 0)
 * is on 127.0.0.2:port; node addresses are 127.0.0.(2 + i) for the servers,
 * then for the clients.
 */
function start(
  role: "server" | "client",
  rank: number,
  port: number,
  args: string[],
  numServers = 2,
): Deno.ChildProcess {
  const addr = role === "server" ? 2 + rank : 2 + numServers + rank;
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      role === "server" ? SERVER : CLIENT,
      `--node_rank=${rank}`,
      "--master_addr=127.0.0.2",
      `--master_port=${port}`,
      `--node_addr=127.0.0.${addr}`,
      "--device=cpu",
      "--cpu_threads=1",
      "--quiet",
      // Servers write metrics of their own: s{rank}.jsonl beside the clients' m{rank}.jsonl.
      ...args.map((a) => role === "server" ? a.replace("/m{rank}.jsonl", "/s{rank}.jsonl") : a),
    ],
    env: { WEBGNN_SECRET: SECRET },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

const CLUSTER = [
  "--num_server_nodes=2",
  "--num_client_nodes=3",
  "--num_dataset_partitions=2",
];

Deno.test("server/client: 2 servers and 3 clients use every training seed once per epoch, agree on accuracy, learn, and client 0 keeps the model", async () => {
  const dir = await partitioned(2);
  try {
    const port = freePort();
    const epochs = 6;
    const args = [
      ...CLUSTER,
      `--dataset_root_dir=${dir}/parts`,
      `--epochs=${epochs}`,
      "--batch_size=16",
      "--lr=0.01",
      "--fanout=5,5",
      "--hidden=32",
      "--eval_every=0",
      "--rpc_timeout_ms=20000",
      `--metrics=${dir}/m{rank}.jsonl`,
    ];
    const procs = [
      start("server", 0, port, args),
      start("server", 1, port, args),
      ...[0, 1, 2].map((c) =>
        start("client", c, port, [...args, `--save_model=${dir}/c${c}.safetensors`, "--save_best"])
      ),
    ];
    const results = await Promise.all(procs.map(finish));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.match(results[2]!.stdout, new RegExp(`Epoch ${epochs}/${epochs}: .*test accuracy`));
    for (const r of [3, 4].map((i) => results[i]!)) assert.equal(r.stdout, "");
    // Each server says when it is ready and reports every epoch, on stdout and in its metrics.
    for (const server of [0, 1]) {
      const out = results[server]!.stdout;
      assert.match(out, new RegExp(`^webgnn server ${server}: ready in .*waiting for`, "m"));
      assert.match(out, new RegExp(`^webgnn server ${server}: client ${server} attached`, "m"));
      assert.match(
        out,
        new RegExp(
          `^webgnn server ${server}: epoch ${epochs}/${epochs}: \\d+ minibatches.*, valid accuracy 0\\.\\d{4}, test accuracy`,
          "m",
        ),
      );
      const lines = (await Deno.readTextFile(`${dir}/s${server}.jsonl`)).trim().split("\n")
        .map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.epoch), [1, 2, 3, 4, 5, 6]);
      assert.ok(lines.every((l) => l.minibatches > 0), JSON.stringify(lines));
      assert.ok(lines.every((l) => !Number.isNaN(Date.parse(l.time))), "each line has its time");
      assert.ok(lines[epochs - 1].validAccuracy > 0, "the last epoch's valid accuracy");
    }
    const train = await Promise.all(
      [0, 1].map(async (p) => (await loadPartition(`${dir}/parts`, p)).train),
    );
    const all = [...train[0]!, ...train[1]!];
    const want = {
      seeds: all.length,
      seedSum: all.reduce((s, v) => s + v, 0),
      seedSquareSum: all.reduce((s, v) => s + v * v, 0),
    };
    const perClient = await Promise.all(
      [0, 1, 2].map(async (c) =>
        (await Deno.readTextFile(`${dir}/m${c}.jsonl`)).trim().split("\n").map((l) => JSON.parse(l))
      ),
    );
    for (let epoch = 0; epoch < epochs; epoch++) {
      const got = { seeds: 0, seedSum: 0, seedSquareSum: 0 };
      for (const lines of perClient) {
        got.seeds += lines[epoch].seeds;
        got.seedSum += lines[epoch].seedSum;
        got.seedSquareSum += lines[epoch].seedSquareSum;
      }
      assert.deepEqual(got, want, `epoch ${epoch + 1}`);
    }
    const last = epochs - 1;
    const accuracies = perClient.map((lines) => lines[last].testAccuracy);
    assert.ok(
      accuracies.every((a) => a === accuracies[0]),
      `every client reports one global accuracy: ${accuracies}`,
    );
    // 47 classes: a model that learned nothing scores a few percent.
    assert.ok(accuracies[0] > 0.15, `test accuracy ${accuracies[0]} after ${epochs} epochs`);
    assert.ok(perClient[0]![last].loss < perClient[0]![0].loss * 0.8, "the loss fell");
    const valid = perClient.map((lines) => lines[last].validAccuracy);
    assert.ok(valid.every((a) => a === valid[0] && a > 0), `one global valid accuracy: ${valid}`);
    const { header } = readSpec(await Deno.readFile(`${dir}/c0.safetensors`));
    const meta = header.__metadata__ as Record<string, string>;
    assert.deepEqual([meta.epoch, meta.valid_accuracy], [String(epochs), valid[0].toFixed(6)]);
    assert.match(meta.dataset!, /^synthetic/);
    for (const c of [1, 2]) {
      await assert.rejects(Deno.stat(`${dir}/c${c}.safetensors`), Deno.errors.NotFound);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("client: fewer clients than servers is a clear usage error", async () => {
  const r = await finish(
    start("client", 0, freePort(), [
      "--num_server_nodes=2",
      "--num_client_nodes=1",
      "--num_dataset_partitions=2",
    ]),
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /at least as many clients as servers: 1 clients .* for 2 servers/);
});

Deno.test("server: a partition count that is not one per server process is a clear usage error", async () => {
  const r = await finish(
    start("server", 0, freePort(), [...CLUSTER.slice(0, 2), "--num_dataset_partitions=3"]),
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--num_dataset_partitions=3 must equal the number of server processes/);
});

Deno.test("server/client: a server killed mid-epoch ends every client and server with an error naming it, within the timeout", async () => {
  const dir = await partitioned(2);
  try {
    const port = freePort();
    const args = [
      ...CLUSTER,
      `--dataset_root_dir=${dir}/parts`,
      "--epochs=50",
      "--batch_size=16",
      "--fanout=5,5",
      "--hidden=32",
      "--rpc_timeout_ms=5000",
      `--metrics=${dir}/m{rank}.jsonl`,
    ];
    const victim = start("server", 1, port, args);
    const victimDone = finish(victim);
    const others = [
      start("server", 0, port, args),
      start("client", 0, port, args),
      start("client", 1, port, args),
      start("client", 2, port, args),
    ].map(finish);
    // Wait until training is under way: client 0 wrote its first epoch.
    const deadline = Date.now() + 30_000;
    while ((await Deno.readTextFile(`${dir}/m0.jsonl`).catch(() => "")) === "") {
      assert.ok(Date.now() < deadline, "training started");
      await new Promise((r) => setTimeout(r, 100));
    }
    victim.kill("SIGKILL");
    await victimDone;
    const started = performance.now();
    const results = await Promise.all(others);
    assert.ok(performance.now() - started < 15_000, "everyone ended within the timeout");
    for (const r of results) {
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /server 1|partition 1|127\.0\.0\.3/, r.stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
