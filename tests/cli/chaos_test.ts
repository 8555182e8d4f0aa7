// Chaos: a trainer, a node, the coordinator's node, a sampling server and a
// training client are killed (SIGKILL) or stopped (SIGSTOP) mid-epoch. Every
// survivor must exit non-zero within --rpc_timeout_ms plus a few seconds,
// its last error line naming the peer (role, rank and address), and nothing
// of the cluster may be left running or listening. Each scenario has its own
// loopback addresses (127.77.S.x) so that the socket table shows its own.
import { partitioned } from "../_cluster.ts";
import { descendants, expectCleanEnd, Proc } from "./_chaos.ts";

/** Short timeouts so that the whole file stays within about a minute. */
const RPC_TIMEOUT_MS = 8_000;
const PEER_TIMEOUT_MS = 4_000;
/** A survivor's bound: --rpc_timeout_ms plus a few seconds. */
const BOUND_S = RPC_TIMEOUT_MS / 1000 + 5;
/** Long enough that training is still running when the fault comes. */
const TRAINING = [
  "--epochs=100000",
  "--batch_size=16",
  "--fanout=3,3",
  "--hidden=8",
  "--eval_every=0",
  "--device=cpu",
  "--cpu_threads=1",
  "--quiet",
  `--rpc_timeout_ms=${RPC_TIMEOUT_MS}`,
  `--peer_timeout_ms=${PEER_TIMEOUT_MS}`,
];

let dataset: Promise<string> | undefined;
/** One 2-partition graph for every scenario, removed when the file ends. */
function parts(): Promise<string> {
  dataset ??= partitioned(2).then((dir) => {
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    return `${dir}/parts`;
  });
  return dataset;
}

let nextScenario = 1;
/** A fresh loopback prefix per scenario: 127.77.S. */
function prefix(): string {
  return `127.77.${nextScenario++}.`;
}

/** The error-line directories of node process `pid` (spawnTrainers'), if any are left. */
function removeErrorDirs(pid: number): void {
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  for (const e of Deno.readDirSync(tmp)) {
    if (e.name.startsWith(`webgnn-node-${pid}-`)) {
      Deno.removeSync(`${tmp}/${e.name}`, { recursive: true });
    }
  }
}

function port(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

/** A collocated cluster of 2 nodes x `procs` trainers; node r listens on `${ip}${r + 2}`. */
async function collocated(ip: string, procs: number): Promise<Proc[]> {
  const dir = await parts();
  const master = [`--master_addr=${ip}2`, `--master_port=${port()}`];
  const nodes = [0, 1].map((r) =>
    new Proc(`node ${r}`, "train", [
      "--num_nodes=2",
      `--node_rank=${r}`,
      `--num_training_procs=${procs}`,
      `--node_addr=${ip}${r + 2}`,
      `--dataset_root_dir=${dir}`,
      ...master,
      ...TRAINING,
    ])
  );
  await midEpoch(nodes[0]!);
  return nodes;
}

/** Server-client mode: servers 0, 1 on `${ip}2`, `${ip}3`; clients 0, 1 on `${ip}4`, `${ip}5`. */
async function serverClient(ip: string): Promise<Proc[]> {
  const dir = await parts();
  const common = [
    "--num_server_nodes=2",
    "--num_client_nodes=2",
    "--num_dataset_partitions=2",
    `--master_addr=${ip}2`,
    `--master_port=${port()}`,
    ...TRAINING,
  ];
  const procs = [
    ...[0, 1].map((r) =>
      new Proc(`server ${r}`, "server", [
        `--node_rank=${r}`,
        `--node_addr=${ip}${r + 2}`,
        `--dataset_root_dir=${dir}`,
        ...common,
      ])
    ),
    ...[0, 1].map((r) =>
      new Proc(`client ${r}`, "client", [
        `--node_rank=${r}`,
        `--node_addr=${ip}${r + 4}`,
        ...common,
      ])
    ),
  ];
  await midEpoch(procs[2]!);
  return procs;
}

/**
 * Waits until `first` (rank 0, or client 0) printed the run's header, which
 * comes right before the first step, then half a second more: the fault then
 * hits while epochs run.
 */
async function midEpoch(first: Proc): Promise<void> {
  await first.waitFor(/^webgnn: 2 /m, 60_000);
  await new Promise((r) => setTimeout(r, 500));
}

/** The trainer process `localRank` that node process `node` started. */
function trainerOf(node: Proc, localRank: number): number {
  const pid = descendants(node.pid).find((p) =>
    Deno.readTextFileSync(`/proc/${p}/cmdline`).includes(`--local_rank=${localRank}\0`)
  );
  if (pid === undefined) throw new Error(`${node.name} has no trainer ${localRank}`);
  return pid;
}

/** Every process of the scenario: the commands and all they started. */
function everyPid(procs: readonly Proc[]): number[] {
  return procs.flatMap((p) => [p.pid, ...descendants(p.pid)]);
}

function fault(pids: readonly number[], sig: Signal): number {
  for (const pid of pids) Deno.kill(pid, sig);
  return performance.now();
}

type Signal = "SIGKILL" | "SIGSTOP";

/** Each scenario, run once per signal. */
const scenarios: Record<string, (sig: Signal) => Promise<void>> = {
  "one trainer of a node": async (sig) => {
    const ip = prefix();
    const nodes = await collocated(ip, 2);
    const all = everyPid(nodes);
    const victim = trainerOf(nodes[1]!, 1);
    const t0 = fault([victim], sig);
    await expectCleanEnd({
      label: `${sig} trainer`,
      survivors: nodes,
      procs: nodes,
      stopped: [victim],
      // Its node names it by its place; the others by rank and address.
      names: new RegExp(
        `rank 3 \\(trainer at ws://${ip}3:\\d+\\)|node 1 trainer 1 (was killed|\\(rank 3\\) \\(ws://${ip}3:)`,
      ),
      t0,
      boundS: BOUND_S,
      prefix: ip,
      all,
    });
  },
  "a node": async (sig) => {
    const ip = prefix();
    // SIGKILL hits the node's own process, whose trainers must then end by themselves.
    const nodes = await collocated(ip, sig === "SIGKILL" ? 2 : 1);
    const all = everyPid(nodes);
    const node1 = [nodes[1]!.pid, ...descendants(nodes[1]!.pid)];
    const t0 = fault(sig === "SIGKILL" ? [nodes[1]!.pid] : node1, sig);
    // A node killed outright cannot remove the directory its trainers write their errors to.
    if (sig === "SIGKILL") addEventListener("unload", () => removeErrorDirs(nodes[1]!.pid));
    await expectCleanEnd({
      label: `${sig} node`,
      survivors: [nodes[0]!],
      procs: nodes,
      stopped: node1,
      names: new RegExp(`(rank [123]|node 1 trainer [01]).*${ip}3:\\d+`),
      t0,
      boundS: BOUND_S,
      prefix: ip,
      all,
    });
  },
  "the coordinator's node": async (sig) => {
    const ip = prefix();
    const nodes = await collocated(ip, 1);
    const all = everyPid(nodes);
    const t0 = fault([nodes[0]!.pid], sig);
    await expectCleanEnd({
      label: `${sig} coordinator's node`,
      survivors: [nodes[1]!],
      procs: nodes,
      stopped: [nodes[0]!.pid],
      names: new RegExp(`(coordinator on rank 0|rank 0|node 0 trainer 0).*${ip}2:\\d+`),
      t0,
      boundS: BOUND_S,
      prefix: ip,
      all,
    });
  },
  "a sampling server": async (sig) => {
    const ip = prefix();
    const procs = await serverClient(ip);
    const all = everyPid(procs);
    const t0 = fault([procs[1]!.pid], sig);
    await expectCleanEnd({
      label: `${sig} server`,
      survivors: procs.filter((_, i) => i !== 1),
      procs,
      stopped: [procs[1]!.pid],
      names: new RegExp(`(rank 1|server 1|partition 1).*${ip}3:\\d+`),
      t0,
      boundS: BOUND_S,
      prefix: ip,
      all,
    });
  },
  "a training client": async (sig) => {
    const ip = prefix();
    const procs = await serverClient(ip);
    const all = everyPid(procs);
    const t0 = fault([procs[3]!.pid], sig);
    await expectCleanEnd({
      label: `${sig} client`,
      survivors: procs.filter((_, i) => i !== 3),
      procs,
      stopped: [procs[3]!.pid],
      names: new RegExp(`(rank 3|client 1).*${ip}5:\\d+`),
      t0,
      boundS: BOUND_S,
      prefix: ip,
      all,
    });
  },
};

// One at a time: side by side, a loaded machine could starve a healthy
// process's heartbeats for longer than the tests' short peer timeout.
for (const sig of ["SIGKILL", "SIGSTOP"] as const) {
  for (const [what, run] of Object.entries(scenarios)) {
    Deno.test(`chaos: ${sig} of ${what} ends every other process, naming it`, () => run(sig));
  }
}
