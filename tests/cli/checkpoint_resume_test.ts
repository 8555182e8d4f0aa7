// A 2-node run killed after a checkpoint and resumed ends with the same
// parameters, Adam state and counters as an uninterrupted run, bit for bit.
import assert from "node:assert/strict";
import { finish, freePort, partitioned, runCli, trainNode } from "../_cluster.ts";
import { decodeCheckpoint } from "../../cli/checkpoint_file.ts";
import { loadSafetensors, saveSafetensors } from "../../engine/safetensors_file.ts";

const EPOCHS = 6;

/** Starts node `rank` of a 2-node cluster whose coordinator is on 127.0.0.2:port. */
const node = (rank: number, port: number, args: string[]) =>
  trainNode(rank, 2, port, [
    "--cpu_threads=1",
    `--epochs=${EPOCHS}`,
    "--batch_size=32",
    "--fanout=4,4",
    "--hidden=16",
    "--lr=0.01",
    "--eval_every=0",
    "--rpc_timeout_ms=20000",
    ...args,
  ]);

/** Both nodes of a run with checkpoints in `ck`; their outputs once both ended. */
function cluster(dir: string, ck: string, extra: string[] = []) {
  const port = freePort();
  const args = [`--dataset_root_dir=${dir}/parts`, `--checkpoint_dir=${ck}`, ...extra];
  return [node(0, port, args), node(1, port, args)];
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("checkpoints: a 2-node run killed after epoch 3 and resumed ends bit for bit as an uninterrupted one", async () => {
  const dir = await partitioned(2);
  try {
    // Uninterrupted.
    for (const r of await Promise.all(cluster(dir, `${dir}/whole`).map(finish))) {
      assert.equal(r.code, 0, r.stderr);
    }
    // Killed (both nodes, SIGKILL) as soon as epoch 3's checkpoint is in place.
    const nodes = cluster(dir, `${dir}/cut`);
    const outputs = nodes.map(finish);
    const deadline = Date.now() + 60_000;
    while (!(await exists(`${dir}/cut/epoch-000003.ckpt`))) {
      assert.ok(Date.now() < deadline, "epoch 3's checkpoint never appeared");
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const n of nodes) n.kill("SIGKILL");
    await Promise.all(outputs);
    const names = [];
    for await (const e of Deno.readDir(`${dir}/cut`)) names.push(e.name);
    names.sort();
    const newest = names.at(-1)!;
    assert.ok(
      /^epoch-00000[345]\.ckpt$/.test(newest),
      `killed before the end: ${names}`,
    );
    // The newest checkpoint torn as a failing disk would leave it: skipped.
    const bytes = await Deno.readFile(`${dir}/cut/${newest}`);
    await Deno.writeFile(`${dir}/cut/${newest}`, bytes.subarray(0, bytes.length >> 1));
    const resumed = await Promise.all(cluster(dir, `${dir}/cut`, ["--resume"]).map(finish));
    for (const r of resumed) assert.equal(r.code, 0, r.stderr);
    assert.match(
      resumed[0]!.stderr,
      new RegExp(`skipping checkpoint .*/cut/${newest}: .*torn`),
    );
    const from = Number(newest.slice(6, 12)) - 1;
    assert.match(resumed[0]!.stdout, new RegExp(`resuming from .*epoch-00000${from}\\.ckpt`));
    assert.doesNotMatch(
      resumed[0]!.stdout,
      new RegExp(`Epoch ${from}/`),
      "done epochs are not redone",
    );
    assert.match(resumed[0]!.stdout, new RegExp(`Epoch ${EPOCHS}/${EPOCHS}`));

    const last = `epoch-00000${EPOCHS}.ckpt`;
    const [whole, cut] = await Promise.all(
      [`${dir}/whole/${last}`, `${dir}/cut/${last}`].map(async (p) =>
        decodeCheckpoint(await Deno.readFile(p))
      ),
    );
    assert.equal(cut!.epoch, EPOCHS);
    assert.equal(cut!.state.adamSteps, whole!.state.adamSteps);
    for (const key of ["parameters", "moment1", "moment2"] as const) {
      const a = new Uint32Array(whole!.state[key].slice().buffer);
      const b = new Uint32Array(cut!.state[key].slice().buffer);
      const differ = a.filter((x, i) => x !== b[i]).length;
      assert.equal(differ, 0, `${key}: ${differ} of ${a.length} values differ`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** `deno task train` on one node with `args`. */
function train(args: string[]) {
  return finish(runCli("train", ["--device=cpu", "--cpu_threads=1", "--quiet", ...args]));
}

Deno.test("checkpoints: resuming with another configuration is refused naming the flag; --resume needs --checkpoint_dir", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-resume-test-" });
  try {
    const args = ["--scale=0.001", "--epochs=1", "--hidden=16", "--fanout=3,3", "--eval_every=0"];
    const first = await train([...args, `--checkpoint_dir=${dir}`]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /checkpoint .*epoch-000001\.ckpt \(0\.\d MiB in \d+ ms\)/);
    const other = await train([
      ...args,
      "--epochs=2",
      "--lr=0.01",
      `--checkpoint_dir=${dir}`,
      "--resume",
    ]);
    assert.equal(other.code, 2, other.stderr);
    assert.match(
      other.stderr,
      /--resume: no checkpoint in .* fits this run: .*epoch-000001\.ckpt: it was made with --lr=0\.003, this run has --lr=0\.01/,
    );
    const lone = await train([...args, "--resume"]);
    assert.equal(lone.code, 2);
    assert.match(lone.stderr, /--resume needs --checkpoint_dir/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoints: a resumed --save_best run keeps the interrupted run's best model unless it beats it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-resume-best-test-" });
  try {
    const model = `${dir}/best.safetensors`;
    const args = [
      "--scale=0.001",
      "--hidden=16",
      "--fanout=3,3",
      `--checkpoint_dir=${dir}/ck`,
      `--save_model=${model}`,
      "--save_best",
    ];
    const first = await train([...args, "--epochs=2"]);
    assert.equal(first.code, 0, first.stderr);
    // The interrupted run's best, made unbeatable.
    const kept = await loadSafetensors(model);
    assert.equal(kept.metadata.kept, "best validation accuracy");
    await saveSafetensors(model, kept.tensors, {
      ...kept.metadata,
      epoch: "2",
      valid_accuracy: "1.0",
    });
    const resumed = await train([...args, "--epochs=4", "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming from .*epoch-000002\.ckpt/);
    assert.match(resumed.stdout, /saved the model of epoch 2 \(best valid accuracy 1\.0000\)/);
    assert.equal((await loadSafetensors(model)).metadata.epoch, "2", "the better model stays");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Server-client mode on loopback: 1 server (127.0.0.2) and 2 clients; client 0 checkpoints into `ck`. */
function serverClient(dir: string, ck: string, extra: string[] = []) {
  const port = freePort();
  const common = [
    "--num_server_nodes=1",
    "--num_client_nodes=1",
    "--num_client_procs_per_node=2",
    "--num_dataset_partitions=1",
    "--master_addr=127.0.0.2",
    `--master_port=${port}`,
    "--device=cpu",
    "--cpu_threads=1",
    "--quiet",
    "--epochs=3",
    "--batch_size=32",
    "--fanout=4,4",
    "--rpc_timeout_ms=20000",
  ];
  const run = (name: string, args: string[]) => runCli(name, [...common, ...args]);
  return [
    run("server", ["--node_addr=127.0.0.2", `--dataset_root_dir=${dir}/parts`]),
    run("client", [
      "--node_addr=127.0.0.3",
      "--hidden=16",
      `--checkpoint_dir=${ck}`,
      ...extra,
    ]),
  ];
}

Deno.test("checkpoints: server-client clients resumed from client 0's checkpoint end as the run that wrote it", async () => {
  const dir = await partitioned(1);
  try {
    const whole = await Promise.all(serverClient(dir, `${dir}/whole`).map(finish));
    for (const r of whole) assert.equal(r.code, 0, r.stderr);
    // Epoch 1's checkpoint alone, resumed elsewhere (the kill is the collocated test's).
    await Deno.mkdir(`${dir}/cut`);
    await Deno.copyFile(`${dir}/whole/epoch-000001.ckpt`, `${dir}/cut/epoch-000001.ckpt`);
    const resumed = await Promise.all(serverClient(dir, `${dir}/cut`, ["--resume"]).map(finish));
    for (const r of resumed) assert.equal(r.code, 0, r.stderr);
    assert.match(resumed[1]!.stdout, /resuming from .*epoch-000001\.ckpt/);
    const [a, b] = await Promise.all(
      ["whole", "cut"].map(async (d) => await Deno.readFile(`${dir}/${d}/epoch-000003.ckpt`)),
    );
    assert.ok(a!.length > 1000 && a!.length === b!.length);
    assert.ok(
      a!.every((x, i) => x === b![i]),
      "the resumed run's last checkpoint is the first run's, byte for byte",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
