import assert from "node:assert/strict";
import { finish, freePort, partitioned } from "../_cluster.ts";
import { checkOneWorld, shortRun } from "./_world.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;

Deno.test("train: a torchrun-style environment, 2 nodes x 2 trainers on loopback, forms one world from the variables alone", async () => {
  const dir = await partitioned(2);
  try {
    const port = freePort();
    const trainers = [0, 1, 2, 3].map((rank) => {
      const node = Math.floor(rank / 2);
      return new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          TRAIN,
          ...shortRun(dir, 2),
          // What differs between nodes that share one host: the address each listens on.
          `--node_addr=127.0.0.${node + 2}`,
        ],
        env: {
          MASTER_ADDR: "127.0.0.2",
          MASTER_PORT: String(port),
          WORLD_SIZE: "4",
          RANK: String(rank),
          LOCAL_RANK: String(rank % 2),
          LOCAL_WORLD_SIZE: "2",
          GROUP_RANK: String(node),
          WEBGNN_SECRET: "a test secret of the cluster",
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    });
    const results = await Promise.all(trainers.map(finish));
    for (const [rank, r] of results.entries()) {
      assert.equal(r.code, 0, `rank ${rank}: ${r.stderr}`);
      assert.match(
        r.stdout,
        new RegExp(
          `^webgnn: world from the torchrun-style environment: rank=${rank} \\(RANK=${rank}\\), ` +
            `world=4 \\(WORLD_SIZE=4\\), node=${rank >> 1} \\(GROUP_RANK=${rank >> 1}\\)`,
        ),
      );
    }
    assert.match(
      results[0]!.stdout,
      new RegExp(
        `master=127\\.0\\.0\\.2 \\(MASTER_ADDR=127\\.0\\.0\\.2\\), port=${port} \\(MASTER_PORT=${port}\\)`,
      ),
    );
    assert.match(results[0]!.stdout, /webgnn: 2 nodes x 2 trainers/);
    await checkOneWorld(dir, 4, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train: Kubernetes indexed-job pods take their node rank from JOB_COMPLETION_INDEX and the master from MASTER_ADDR", async () => {
  const dir = await partitioned(2);
  try {
    const port = freePort();
    const pods = [0, 1].map((index) =>
      new Deno.Command(Deno.execPath(), {
        // Every pod gets the same arguments, as from one Job template.
        args: ["run", "--allow-all", TRAIN, "--num_nodes=2", ...shortRun(dir, 1)],
        env: {
          JOB_COMPLETION_INDEX: String(index),
          MASTER_ADDR: "127.0.0.2",
          MASTER_PORT: String(port),
          WEBGNN_SECRET: "a test secret of the job",
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn()
    );
    const results = await Promise.all(pods.map(finish));
    for (const [index, r] of results.entries()) {
      assert.equal(r.code, 0, `pod ${index}: ${r.stderr}`);
      assert.match(
        r.stdout,
        new RegExp(
          `^webgnn: world from the Kubernetes indexed job environment: ` +
            `node=${index} \\(JOB_COMPLETION_INDEX=${index}\\), nodes=2 \\(--num_nodes\\)`,
        ),
      );
    }
    await checkOneWorld(dir, 2, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
