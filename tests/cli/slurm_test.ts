import assert from "node:assert/strict";
import { partitioned } from "../_cluster.ts";
import { testNeeding } from "../_needs.ts";
import { startSlurm } from "./_slurm.ts";
import { checkOneWorld, shortRun } from "./_world.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

await testNeeding(
  ["slurm"],
  "train under a real Slurm: srun runs deno task train as two tasks on two Slurm nodes, one world",
  async () => {
    const dir = await partitioned(2);
    const slurm = await startSlurm(`${dir}/slurm`);
    try {
      const out = await new Deno.Command("srun", {
        args: [
          "--nodes=2",
          "--ntasks-per-node=1",
          "--label",
          "--time=2",
          Deno.execPath(),
          "task",
          "--quiet",
          "train",
          "--master_port=23200",
          ...shortRun(dir, 2),
        ],
        cwd: ROOT,
        env: { SLURM_CONF: slurm.conf, WEBGNN_SECRET: "a test secret of the Slurm job" },
        stdin: "null",
      }).output();
      const text = (b: Uint8Array) => new TextDecoder().decode(b);
      const stdout = text(out.stdout);
      assert.equal(out.code, 0, `${stdout}\n${text(out.stderr)}\n${await slurm.logs()}`);
      // srun --label prefixes each task's lines with its rank; each says where its world came from.
      for (const r of [0, 1]) {
        assert.match(
          stdout,
          new RegExp(
            `^${r}: webgnn: world from the Slurm environment: rank=${r} \\(SLURM_PROCID=${r}\\), ` +
              `world=2 \\(SLURM_STEP_NUM_TASKS=2\\), node=${r} \\(SLURM_NODEID=${r}\\)`,
            "m",
          ),
        );
      }
      assert.match(
        stdout,
        /master=127\.0\.0\.2 \(first host of SLURM_STEP_NODELIST=127\.0\.0\.\[2-3\]\)/,
      );
      assert.match(stdout, /^0: webgnn: 2 nodes x 1 trainers/m);
      assert.match(stdout, /^0: \S+Z Epoch 2\/2: .*test accuracy/m);
      const accuracy = await checkOneWorld(dir, 2, 2);
      assert.ok(accuracy > 0 && accuracy <= 1);
    } finally {
      await slurm.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
