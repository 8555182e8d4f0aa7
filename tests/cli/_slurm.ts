// A real Slurm on loopback for tests: munged, slurmctld and two slurmd, each
// a child process of the test (foreground), configured in a temporary
// directory. Debian's slurmd runs twice on one host when each Slurm node has
// a port of its own; the nodes are named by their loopback addresses, so the
// first host of SLURM_JOB_NODELIST is an address the trainers can reach.
// Ports 23100-23199 are Slurm's.

/** A running Slurm: the `SLURM_CONF` to give srun, and how to stop it. */
export interface LoopbackSlurm {
  readonly conf: string;
  readonly nodes: readonly string[];
  /** Stops every daemon (SIGTERM, then SIGKILL) and waits for them. */
  stop(): Promise<void>;
  /** The daemons' logs, last lines, for a failure message. */
  logs(): Promise<string>;
}

const CTLD_PORT = 23100;

/** Starts munged, slurmctld and one slurmd per node, and waits (bounded) until every node is idle. */
export async function startSlurm(
  dir: string,
  nodes = ["127.0.0.2", "127.0.0.3"],
): Promise<LoopbackSlurm> {
  for (const d of ["state", "spool", "run"]) await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  const host = Deno.hostname();
  const conf = `${dir}/slurm.conf`;
  await Deno.writeTextFile(
    conf,
    [
      "ClusterName=webgnn",
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${CTLD_PORT}`,
      `SrunPortRange=23150-23199`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      `AuthInfo=socket=${dir}/run/munge.sock`,
      "CredType=cred/munge",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool/%n`,
      `SlurmctldPidFile=${dir}/run/slurmctld.pid`,
      `SlurmdPidFile=${dir}/run/slurmd-%n.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd-%n.log`,
      `PlugStackConfig=${dir}/plugstack.conf`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SwitchType=switch/none",
      "MpiDefault=none",
      "SchedulerType=sched/builtin",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_CPU",
      "ReturnToService=2",
      "JobCompType=jobcomp/none",
      "JobAcctGatherType=jobacct_gather/none",
      "AccountingStorageType=accounting_storage/none",
      ...nodes.map((n, i) =>
        `NodeName=${n} NodeHostname=${host} NodeAddr=${n} Port=${
          CTLD_PORT + 1 + i
        } CPUs=2 State=UNKNOWN`
      ),
      "PartitionName=webgnn Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(`${dir}/plugstack.conf`, "");
  // A key of the test's own, so that nothing depends on the system's munge set-up.
  const key = new Uint8Array(1024);
  crypto.getRandomValues(key);
  await Deno.writeFile(`${dir}/munge.key`, key, { mode: 0o600 });
  const env = { SLURM_CONF: conf };
  const daemon = (cmd: string, args: string[]) =>
    new Deno.Command(cmd, { args, env, stdin: "null", stdout: "null", stderr: "null" }).spawn();
  const children: Deno.ChildProcess[] = [];
  const slurm: LoopbackSlurm = {
    conf,
    nodes,
    stop: async () => {
      for (const c of children.reverse()) {
        try {
          c.kill("SIGTERM");
        } catch { /* already gone */ }
        const timer = setTimeout(() => {
          try {
            c.kill("SIGKILL");
          } catch { /* already gone */ }
        }, 5_000);
        await c.status;
        clearTimeout(timer);
      }
    },
    logs: async () => {
      const tails: string[] = [];
      for (const name of ["munged.log", "slurmctld.log", ...nodes.map((n) => `slurmd-${n}.log`)]) {
        const text = await Deno.readTextFile(`${dir}/${name}`).catch(() => "(no log)");
        tails.push(`${name}:\n${text.trim().split("\n").slice(-5).join("\n")}`);
      }
      return tails.join("\n");
    },
  };
  try {
    children.push(daemon("munged", [
      "--foreground",
      "--force",
      `--socket=${dir}/run/munge.sock`,
      `--pid-file=${dir}/run/munged.pid`,
      `--log-file=${dir}/munged.log`,
      `--seed-file=${dir}/run/munged.seed`,
      `--key-file=${dir}/munge.key`,
    ]));
    await waitFor(() => exists(`${dir}/run/munge.sock`), 10_000, "munged did not open its socket");
    children.push(daemon("slurmctld", ["-D", "-i", "-f", conf]));
    for (const n of nodes) children.push(daemon("slurmd", ["-D", "-f", conf, "-N", n]));
    await waitFor(
      async () => {
        const out = await new Deno.Command("sinfo", { args: ["-h", "-N", "-o", "%N %T"], env })
          .output();
        const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
        return out.success && lines.length === nodes.length &&
          lines.every((l) => l.endsWith(" idle"));
      },
      30_000,
      `the Slurm nodes ${nodes.join(", ")} did not all become idle`,
    );
  } catch (error) {
    const logs = await slurm.logs();
    await slurm.stop();
    throw new Error(`${error instanceof Error ? error.message : error}\n${logs}`);
  }
  return slurm;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function waitFor(ok: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
