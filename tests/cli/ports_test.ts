import assert from "node:assert/strict";
import { finish, partitioned } from "../_cluster.ts";
import { rankPorts } from "../../cli/rank_ports.ts";
import { UsageError } from "../../cli/usage_error.ts";
import { shortRun } from "./_world.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;

/** One node with two trainers, its ports from --master_port (fixed ports in 23400-23499). */
function job(dir: string, masterPort: number, extra: string[] = []): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      TRAIN,
      "--num_training_procs=2",
      "--master_addr=127.0.0.2",
      `--master_port=${masterPort}`,
      "--rpc_timeout_ms=10000",
      ...shortRun(dir, 1),
      ...extra,
    ],
    env: { WEBGNN_SECRET: "a test secret of the job" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("rankPorts() places two ports per rank after --master_port or in --port_range, and checks the range", () => {
  assert.deepEqual(rankPorts({ masterPort: 23400, portRange: undefined }, 0, 2), {
    rpc: 23401,
    partition: 23402,
  });
  assert.deepEqual(rankPorts({ masterPort: 23400, portRange: [23500, 23503] }, 1, 2), {
    rpc: 23502,
    partition: 23503,
  });
  assert.throws(
    () => rankPorts({ masterPort: 23400, portRange: [23500, 23502] }, 0, 2),
    (e) =>
      e instanceof UsageError &&
      /--port_range=23500-23502: a world of 2 ranks needs 4 ports/.test(e.message),
  );
  assert.throws(
    () => rankPorts({ masterPort: 23501, portRange: [23500, 23509] }, 0, 2),
    /holds the coordinator's --master_port=23501/,
  );
  assert.throws(
    () => rankPorts({ masterPort: 65533, portRange: undefined }, 0, 2),
    /needs 4 ports/,
  );
});

Deno.test("train: two jobs on one host with different master ports run side by side; a port in use is an error naming it and its role", async () => {
  const dir = await partitioned(1);
  const blockers: Deno.Listener[] = [];
  try {
    const [a, b] = await Promise.all([job(dir, 23400), job(dir, 23410)].map(finish));
    assert.equal(a!.code, 0, a!.stderr);
    assert.equal(b!.code, 0, b!.stderr);

    // Rank 0's partition server listens at --master_port + 2.
    blockers.push(Deno.listen({ hostname: "127.0.0.2", port: 23422 }));
    const taken = await finish(job(dir, 23420));
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /port 23422 on 127\.0\.0\.2 is in use: rank 0's partition server/);

    blockers.push(Deno.listen({ hostname: "127.0.0.2", port: 23430 }));
    const coordinator = await finish(job(dir, 23430, ["--rpc_timeout_ms=3000"]));
    assert.notEqual(coordinator.code, 0);
    assert.match(coordinator.stderr, /port 23430 on 127\.0\.0\.2 is in use: the coordinator/);
  } finally {
    for (const l of blockers) l.close();
    await Deno.remove(dir, { recursive: true });
  }
});
