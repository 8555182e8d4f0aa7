import assert from "node:assert/strict";
import { expandNodelist } from "../../cli/expand_nodelist.ts";
import { parseServerClientFlags } from "../../cli/server_client_flags.ts";
import { parseTrainFlags } from "../../cli/train_flags.ts";
import { UsageError } from "../../cli/usage_error.ts";
import { worldFromEnv } from "../../cli/world_from_env.ts";
import { findOnPath, testNeeding } from "../_needs.ts";

const NODELISTS: Record<string, string[]> = {
  "node01": ["node01"],
  "node[01-04,07]": ["node01", "node02", "node03", "node04", "node07"],
  "a[1-2],b3,c[05-06]": ["a1", "a2", "b3", "c05", "c06"],
  "rack[1-2]-n[1-2]": ["rack1-n1", "rack1-n2", "rack2-n1", "rack2-n2"],
  "x[8-11]": ["x8", "x9", "x10", "x11"],
  "n[098-101]": ["n098", "n099", "n100", "n101"],
  "gpu-a[1,3],gpu-b[2-3]": ["gpu-a1", "gpu-a3", "gpu-b2", "gpu-b3"],
};

Deno.test("expandNodelist() expands Slurm's host lists: ranges, padding, several prefixes and groups", () => {
  for (const [list, hosts] of Object.entries(NODELISTS)) {
    assert.deepEqual(expandNodelist(list), hosts, list);
  }
});

Deno.test("expandNodelist() rejects a malformed list naming the variable", () => {
  for (const list of ["n[1-", "n[3-1]", "n[a-b]", "n]1[", "a,,b"]) {
    assert.throws(
      () => expandNodelist(list, "SLURM_JOB_NODELIST"),
      (e) => e instanceof UsageError && e.message.startsWith(`SLURM_JOB_NODELIST="${list}"`),
      list,
    );
  }
});

await testNeeding(["slurm"], "expandNodelist() agrees with scontrol show hostnames", async () => {
  // scontrol expands host lists offline; it only wants a configuration file to exist.
  const dir = await Deno.makeTempDir({ prefix: "webgnn-scontrol-" });
  try {
    await Deno.writeTextFile(
      `${dir}/slurm.conf`,
      "ClusterName=t\nSlurmctldHost=localhost\nNodeName=localhost CPUs=1\nPartitionName=p Nodes=localhost\n",
    );
    assert.ok(findOnPath("scontrol"), "scontrol comes with srun");
    for (const list of Object.keys(NODELISTS)) {
      const out = await new Deno.Command("scontrol", {
        args: ["show", "hostnames", list],
        env: { SLURM_CONF: `${dir}/slurm.conf` },
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const theirs = new TextDecoder().decode(out.stdout).trim().split("\n");
      assert.deepEqual(expandNodelist(list), theirs, list);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worldFromEnv() reads a torchrun-style environment", () => {
  const w = worldFromEnv({
    MASTER_ADDR: "10.0.0.1",
    MASTER_PORT: "29500",
    RANK: "3",
    WORLD_SIZE: "4",
    LOCAL_RANK: "1",
    LOCAL_WORLD_SIZE: "2",
    GROUP_RANK: "1",
  })!;
  assert.equal(w.kind, "torchrun-style");
  assert.deepEqual(
    [w.masterAddr?.value, w.masterPort?.value, w.rank?.value, w.worldSize?.value],
    ["10.0.0.1", 29500, 3, 4],
  );
  assert.deepEqual([w.nodeRank?.from, w.numNodes?.from], [
    "GROUP_RANK=1",
    "WORLD_SIZE=4 / LOCAL_WORLD_SIZE=2",
  ]);
});

Deno.test("worldFromEnv() reads a Slurm task: the first host is the master, tasks per node as Slurm writes them", () => {
  const w = worldFromEnv({
    SLURM_JOB_NODELIST: "gpu[07-09]",
    SLURM_NNODES: "3",
    SLURM_NODEID: "2",
    SLURM_PROCID: "4",
    SLURM_NTASKS: "5",
    SLURM_LOCALID: "0",
    SLURM_TASKS_PER_NODE: "2(x2),1",
  })!;
  assert.equal(w.kind, "Slurm");
  assert.equal(w.masterAddr?.value, "gpu07");
  assert.equal(w.masterAddr?.from, "first host of SLURM_JOB_NODELIST=gpu[07-09]");
  assert.deepEqual([w.numNodes?.value, w.nodeRank?.value, w.rank?.value], [3, 2, 4]);
  assert.deepEqual([w.worldSize?.value, w.localRank?.value, w.localCount?.value], [5, 0, 1]);
});

Deno.test("worldFromEnv() reads a Kubernetes indexed job's pod; nothing set is null", () => {
  const w = worldFromEnv({ JOB_COMPLETION_INDEX: "1", MASTER_ADDR: "train-0.train" })!;
  assert.equal(w.kind, "Kubernetes indexed job");
  assert.deepEqual([w.nodeRank?.value, w.masterAddr?.value, w.rank], [
    1,
    "train-0.train",
    undefined,
  ]);
  assert.equal(worldFromEnv({ HOME: "/root" }), null);
  assert.throws(() => worldFromEnv({ SLURM_PROCID: "x" }), /SLURM_PROCID="x" in the environment/);
});

Deno.test("parseTrainFlags() takes the world from the environment and says so", () => {
  const slurm = {
    SLURM_JOB_NODELIST: "n[1-2]",
    SLURM_NNODES: "2",
    SLURM_NODEID: "1",
    SLURM_PROCID: "3",
    SLURM_NTASKS: "4",
    SLURM_LOCALID: "1",
    SLURM_TASKS_PER_NODE: "2(x2)",
  };
  const f = parseTrainFlags(["--master_port=23001"], slurm);
  assert.deepEqual(
    [f.numNodes, f.nodeRank, f.rank, f.worldSize, f.localRank, f.numTrainingProcs],
    [2, 1, 3, 4, 1, 2],
  );
  assert.equal(f.masterAddr, "n1");
  assert.match(f.origin, /^world from the Slurm environment: rank=3 \(SLURM_PROCID=3\)/);
  assert.match(
    f.origin,
    /master=n1 \(first host of SLURM_JOB_NODELIST=n\[1-2\]\), port=23001 \(--master_port\)/,
  );
  // A flag that agrees with the environment is fine; one that contradicts it names both.
  assert.equal(parseTrainFlags(["--node_rank=1"], slurm).nodeRank, 1);
  for (
    const [flag, env] of [
      ["--node_rank=0", "SLURM_NODEID=1"],
      ["--num_nodes=3", "SLURM_NNODES=2"],
      ["--num_training_procs=1", "SLURM_TASKS_PER_NODE=2(x2) at node 1"],
      ["--master_addr=10.0.0.1", "first host of SLURM_JOB_NODELIST=n[1-2]"],
    ]
  ) {
    assert.throws(
      () => parseTrainFlags([flag!], slurm),
      (e) => e instanceof UsageError && e.message.startsWith(`${flag} contradicts ${env} (Slurm`),
      flag,
    );
  }
});

Deno.test("parseTrainFlags() asks for what the environment leaves open", () => {
  assert.throws(
    () => parseTrainFlags(["--num_nodes=2"], { JOB_COMPLETION_INDEX: "1" }),
    /Kubernetes indexed job environment names no master: set MASTER_ADDR or give --master_addr/,
  );
  const k8s = parseTrainFlags([
    "--num_nodes=2",
    "--master_addr=job-0.svc",
    "--num_training_procs=2",
  ], {
    JOB_COMPLETION_INDEX: "1",
  });
  assert.deepEqual([k8s.nodeRank, k8s.rank, k8s.numTrainingProcs], [1, undefined, 2]);
  assert.throws(
    () => parseTrainFlags([], { RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "h" }),
    /torchrun-style environment does not say this process's node rank/,
  );
});

Deno.test("parseServerClientFlags() takes a server's place from Slurm and checks its rank", () => {
  const env = {
    SLURM_JOB_NODELIST: "s[1-2]",
    SLURM_NNODES: "2",
    SLURM_NODEID: "1",
    SLURM_PROCID: "1",
    SLURM_NTASKS: "2",
    SLURM_LOCALID: "0",
    SLURM_TASKS_PER_NODE: "1(x2)",
  };
  const args = ["--num_client_nodes=2", "--num_dataset_partitions=2"];
  const f = parseServerClientFlags("server", args, env);
  assert.deepEqual(
    [f.numServerNodes, f.nodeRank, f.localRank, f.numServerProcsPerNode, f.masterAddr],
    [2, 1, 0, 1, "s1"],
  );
  assert.match(f.origin, /^world from the Slurm environment: rank=1/);
  assert.throws(
    () => parseServerClientFlags("server", args, { ...env, SLURM_PROCID: "0" }),
    /server: the environment's rank 0 of 2 is not node 1 x 1 per node \+ 0/,
  );
  assert.throws(
    () => parseServerClientFlags("server", [...args, "--num_server_nodes=3"], env),
    /--num_server_nodes=3 contradicts SLURM_NNODES=2/,
  );
});
