import assert from "node:assert/strict";
import { finish, freePort, partitioned, trainNode } from "../_cluster.ts";
import { loadPartition } from "../../partition/load_partition.ts";
import { readSpec } from "../engine/_safetensors_spec.ts";

Deno.test("train: 2 nodes x 2 trainers on distinct loopback addresses use every seed once per epoch, learn, and rank 0 saves the model", async () => {
  const dir = await partitioned(2);
  try {
    const port = freePort();
    const args = [
      `--dataset_root_dir=${dir}/parts`,
      "--num_training_procs=2",
      "--epochs=8",
      "--batch_size=16",
      "--lr=0.01",
      "--fanout=5,5",
      "--hidden=32",
      "--eval_every=0",
      `--metrics=${dir}/m{rank}.jsonl`,
    ];
    const save = (r: number) => `--save_model=${dir}/node${r}.safetensors`;
    const results = await Promise.all(
      [trainNode(0, 2, port, [...args, save(0)]), trainNode(1, 2, port, [...args, save(1)])].map(
        finish,
      ),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const train = await Promise.all(
      [0, 1].map(async (p) => (await loadPartition(`${dir}/parts`, p)).train),
    );
    const all = [...train[0]!, ...train[1]!];
    const want = {
      seeds: all.length,
      seedSum: all.reduce((s, v) => s + v, 0),
      seedSquareSum: all.reduce((s, v) => s + v * v, 0),
    };
    const perRank = await Promise.all(
      [0, 1, 2, 3].map(async (r) =>
        (await Deno.readTextFile(`${dir}/m${r}.jsonl`)).trim().split("\n").map((l) => JSON.parse(l))
      ),
    );
    for (let epoch = 0; epoch < 8; epoch++) {
      const got = { seeds: 0, seedSum: 0, seedSquareSum: 0 };
      for (const lines of perRank) {
        got.seeds += lines[epoch].seeds;
        got.seedSum += lines[epoch].seedSum;
        got.seedSquareSum += lines[epoch].seedSquareSum;
      }
      assert.deepEqual(got, want, `epoch ${epoch + 1}`);
    }
    const accuracies = perRank.map((lines) => lines[7].testAccuracy);
    assert.ok(
      accuracies.every((a) => a === accuracies[0]),
      `every trainer reports one global accuracy: ${accuracies}`,
    );
    // 47 classes: a model that learned nothing scores a few percent.
    assert.ok(accuracies[0] > 0.15, `test accuracy ${accuracies[0]} after 8 epochs`);
    assert.ok(perRank[0]![7].loss < perRank[0]![0].loss * 0.8, "the loss fell");
    const valid = perRank.map((lines) => lines[7].validAccuracy);
    assert.ok(valid.every((a) => a === valid[0] && a > 0), `one global valid accuracy: ${valid}`);
    // Rank 0 wrote the model (node 1's trainers wrote nothing), from the last epoch.
    const { header, values } = readSpec(await Deno.readFile(`${dir}/node0.safetensors`));
    await assert.rejects(Deno.stat(`${dir}/node1.safetensors`), Deno.errors.NotFound);
    const meta = header.__metadata__ as Record<string, string>;
    assert.equal(meta.epoch, "8");
    assert.equal(meta.test_accuracy, accuracies[0].toFixed(6));
    assert.equal(meta.fanout, "5,5");
    assert.deepEqual(values.get("convs.1.lin_l.weight")!.shape, [47, 32]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: a partition directory that does not match --num_nodes is a clear error", async () => {
  const dir = await partitioned(2);
  try {
    const r = await finish(trainNode(0, 3, freePort(), [`--dataset_root_dir=${dir}/parts`]));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /holds 2 partitions but --num_nodes=3/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: a node that cannot reach the coordinator fails naming it", async () => {
  const dir = await partitioned(2);
  try {
    const r = await finish(
      trainNode(1, 2, freePort(), [`--dataset_root_dir=${dir}/parts`, "--rpc_timeout_ms=1500"]),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /127\.0\.0\.2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: a node dying mid-epoch ends the other with an error naming it, within the timeout", async () => {
  const dir = await partitioned(2);
  try {
    const port = freePort();
    const args = [
      `--dataset_root_dir=${dir}/parts`,
      "--epochs=50",
      "--batch_size=16",
      "--rpc_timeout_ms=5000",
    ];
    const n0 = trainNode(0, 2, port, args);
    const n1 = trainNode(1, 2, port, args);
    const survivor = finish(n0);
    const victim = finish(n1);
    await new Promise((r) => setTimeout(r, 6000));
    n1.kill("SIGKILL");
    await victim;
    const started = performance.now();
    const r = await survivor;
    assert.ok(performance.now() - started < 15_000, "the survivor ended within the timeout");
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /node 1|rank 1|127\.0\.0\.3/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: a normal run ends even while an unauthenticated socket is held open on the coordinator", async () => {
  const dir = await partitioned(2);
  const held: Deno.TcpConn[] = [];
  try {
    const port = freePort();
    const args = [
      `--dataset_root_dir=${dir}/parts`,
      "--epochs=1",
      "--batch_size=256",
      "--fanout=3,3",
      "--hidden=8",
      "--eval_every=0",
    ];
    const nodes = [trainNode(0, 2, port, args), trainNode(1, 2, port, args)];
    // As soon as the coordinator listens: one socket upgraded to a WebSocket, then silent.
    for (let tries = 0; held.length === 0 && tries < 600; tries++) {
      try {
        held.push(await Deno.connect({ hostname: "127.0.0.2", port }));
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await held[0]!.write(
      new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      ),
    );
    const limit = setTimeout(() => nodes.forEach((n) => n.kill("SIGKILL")), 90_000);
    const results = await Promise.all(nodes.map(finish));
    clearTimeout(limit);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
  } finally {
    for (const c of held) c.close();
    await Deno.remove(dir, { recursive: true });
  }
});
