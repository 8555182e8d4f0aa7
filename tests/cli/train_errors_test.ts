// train's mistakes as a user meets them: one line naming the flag, exit code
// 2, found before any loading; and a flag the mode never reads is said, not ignored.
import assert from "node:assert/strict";
import { partitioned } from "../_cluster.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).pathname;

async function train(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", TRAIN, ...args],
    stdin: "null",
    env,
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

function usage(r: { code: number; stderr: string }, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.split("\n").length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

Deno.test("train keeps commander's suggestion on its one error line", async () => {
  usage(
    await train(["--epoch=3"]),
    /^webgnn train: unknown option '--epoch=3' \(Did you mean --epochs\?\)$/,
  );
});

Deno.test("train names the flag for a port out of range, a missing secret file and an unwritable metrics path", async () => {
  usage(await train(["--master_port=99999"]), /--master_port.*expected a TCP port from 1 to 65535/);
  const dir = await partitioned(2);
  try {
    usage(
      await train([
        "--num_nodes=2",
        `--dataset_root_dir=${dir}/parts`,
        `--secret_file=${dir}/no-secret`,
      ]),
      /--secret_file=.*no-secret: cannot read the secret \(no such file\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // Before loading: the full-size synthetic graph would take minutes to generate.
  const t0 = performance.now();
  usage(
    await train(["--scale=1", "--metrics=/proc/none/m.jsonl"]),
    /--metrics=\/proc\/none\/m\.jsonl: cannot write there/,
  );
  assert.ok(performance.now() - t0 < 20_000, "refused before loading");
});

Deno.test("train on one node refuses a dataset directory the synthetic graph would ignore and warns about cluster flags", async () => {
  usage(
    await train(["--dataset_root_dir=/tmp", "--scale=0.001"]),
    /--dataset_root_dir=\/tmp has no effect with --dataset=synthetic/,
  );
  const r = await train([
    "--master_port=12345",
    "--scale=0.001",
    "--epochs=1",
    "--eval_every=0",
    "--fanout=5,5",
    "--hidden=16",
    "--device=cpu",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^webgnn train: warning: --master_port has no effect on one node with one trainer/m,
  );
});

Deno.test("train refuses timeouts a timer cannot hold and sizes no memory holds, naming the flag", async () => {
  usage(
    await train(["--rpc_timeout_ms=2147483648"]),
    /--rpc_timeout_ms.*expected at most 2147483647 ms \(about 24\.8 days\), got 2147483648/,
  );
  usage(await train(["--peer_timeout_ms=99999999999"]), /--peer_timeout_ms.*expected at most/);
  usage(await train(["--hidden=1000000000"]), /--hidden must be at most 65536/);
  usage(await train(["--fanout=1000000000,5"]), /--fanout entries must be at most 100000/);
});

Deno.test("train names --node_addr when this machine cannot listen there, before loading", async () => {
  const dir = await partitioned(2);
  try {
    usage(
      await train([
        "--num_nodes=2",
        "--node_rank=1",
        "--master_addr=127.0.0.2",
        // TEST-NET-1: never an address of this machine.
        "--node_addr=192.0.2.1",
        `--dataset_root_dir=${dir}/parts`,
      ], { WEBGNN_SECRET: "a test secret of the cluster" }),
      /^webgnn train: --node_addr=192\.0\.2\.1: cannot listen there \(.*\); give an address of this machine$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
