import assert from "node:assert/strict";
import { finish, freePort, partitioned } from "../_cluster.ts";
import { checkOneWorld, shortRun } from "./_world.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;

function train(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", TRAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("train: the README's collocated example, node 0 with one trainer and node 1 with two, trains one world of 3", async () => {
  const dir = await partitioned(2);
  try {
    await Deno.writeTextFile(`${dir}/s`, "the cluster's shared secret\n");
    const port = freePort();
    const common = ["--num_nodes=2", "--master_addr=127.0.0.2", `--master_port=${port}`];
    const rest = [`--secret_file=${dir}/s`, ...shortRun(dir, 2)];
    const [n0, n1] = await Promise.all([
      train([...common, "--node_rank=0", ...rest]),
      train([
        ...common,
        "--node_rank=1",
        "--node_addr=127.0.0.3",
        ...rest,
        "--num_training_procs=2",
      ]),
    ].map(finish));
    assert.equal(n0!.code, 0, n0!.stderr);
    assert.equal(n1!.code, 0, n1!.stderr);
    assert.match(
      n0!.stdout,
      /^webgnn: world from flags: node 0 of 2, 1 process\(es\) on this node/,
    );
    assert.match(
      n1!.stdout,
      /^webgnn: world from flags: node 1 of 2, 2 process\(es\) on this node/,
    );
    assert.match(n0!.stdout, /webgnn: 2 nodes, 3 trainers \(1 \+ 2\)/);
    await checkOneWorld(dir, 3, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
