import type { Command } from "commander";
import { newProgram, nonNegativeInt, positiveInt } from "./flags.ts";
import { type Placement, placeProcess } from "./place_process.ts";
import {
  addModelFileOptions,
  type ModelFileOptions,
  readModelFileOptions,
} from "./model_file_options.ts";
import {
  addCheckpointOptions,
  addClusterOptions,
  addTrainingOptions,
  type CheckpointFlags,
  type ClusterOptions,
  readClusterOptions,
  readTrainingOptions,
  type TrainingOptions,
} from "./shared_options.ts";

/** The flags of `deno task server` and `deno task client`, parsed and checked. */
export interface ServerClientFlags
  extends TrainingOptions, ClusterOptions, ModelFileOptions, CheckpointFlags {
  readonly role: "server" | "client";
  readonly numServerNodes: number;
  readonly numClientNodes: number;
  /** This node's rank among the nodes of its role. */
  readonly nodeRank: number;
  readonly numDatasetPartitions: number;
  readonly numServerProcsPerNode: number;
  readonly numClientProcsPerNode: number;
  /** The partition directory (servers, and clients of `--task=link`). */
  readonly datasetRootDir: string | undefined;
  /** numServerNodes x numServerProcsPerNode. */
  readonly numServers: number;
  /** numClientNodes x numClientProcsPerNode. */
  readonly numClients: number;
  /** One layer per fan-out. */
  readonly numLayers: number;
  /** Where the world came from (flags or which environment variables): the run's first line. */
  readonly origin: string;
}

/**
 * The flags of server-client mode, named as in graphlearn-for-pytorch's
 * server-client example; `role` says which command parses them. Checks that
 * there is one partition per server process and at least as many clients as
 * servers.
 *
 * @example
 * ```ts
 * import { parseServerClientFlags } from "./server_client_flags.ts";
 * const f = parseServerClientFlags("client", [
 *   "--num_server_nodes=2", "--num_client_nodes=3", "--num_dataset_partitions=2",
 * ]);
 * console.log(f.numClients); // 3
 * ```
 */
export function parseServerClientFlags(
  role: "server" | "client",
  args: string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ServerClientFlags {
  const p = program(role).parse(args, { from: "user" });
  const place = fromEnvironment(p, role, env);
  const o = p.opts();
  const procs = role === "server" ? o.num_server_procs_per_node : o.num_client_procs_per_node;
  const nodes = role === "server" ? o.num_server_nodes : o.num_client_nodes;
  const numServers = o.num_server_nodes * o.num_server_procs_per_node;
  const numClients = o.num_client_nodes * o.num_client_procs_per_node;
  if (o.node_rank >= nodes) {
    p.error(`--node_rank=${o.node_rank} must be below --num_${role}_nodes=${nodes}`);
  }
  if (o.local_rank !== undefined && o.local_rank >= procs) {
    p.error(`--local_rank=${o.local_rank} must be below --num_${role}_procs_per_node=${procs}`);
  }
  if (o.num_dataset_partitions !== numServers) {
    p.error(
      `--num_dataset_partitions=${o.num_dataset_partitions} must equal the number of server processes, --num_server_nodes x --num_server_procs_per_node = ${numServers}: each server holds one partition`,
    );
  }
  for (const name of ["resume", "checkpoint_every", "checkpoint_keep"]) {
    if (p.getOptionValueSource(name) === "cli" && o.checkpoint_dir === undefined) {
      p.error(`--${name} needs --checkpoint_dir: the directory that holds the checkpoints`);
    }
  }
  if (role === "client" && o.task === "link" && o.dataset_root_dir === undefined) {
    p.error(
      "--task=link: a client reads its training edges from the partition directory; give it " +
        "--dataset_root_dir (the servers' directory, or a copy of it)",
    );
  }
  if (numClients < numServers) {
    p.error(
      `server-client mode needs at least as many clients as servers: ${numClients} clients (--num_client_nodes x --num_client_procs_per_node) for ${numServers} servers`,
    );
  }
  const training = readTrainingOptions(p);
  return {
    origin: place.origin,
    ...training,
    ...readModelFileOptions(p),
    ...readClusterOptions(p, role === "server" && o.node_rank === 0),
    role,
    numServerNodes: o.num_server_nodes,
    numClientNodes: o.num_client_nodes,
    nodeRank: o.node_rank,
    numDatasetPartitions: o.num_dataset_partitions,
    numServerProcsPerNode: o.num_server_procs_per_node,
    numClientProcsPerNode: o.num_client_procs_per_node,
    datasetRootDir: o.dataset_root_dir,
    numServers,
    numClients,
    numLayers: training.fanout.length,
    checkpointDir: o.checkpoint_dir,
    checkpointEvery: o.checkpoint_every ?? 1,
    checkpointKeep: o.checkpoint_keep ?? 3,
    resume: Boolean(o.resume),
  };
}

/**
 * Under a cluster manager (torchrun-style, Slurm: one task per process),
 * places the process from its environment as train does (`placeProcess`),
 * with this role's counts (`--num_server_nodes`, `--num_server_procs_per_node`,
 * ...), and sets those flags from it; the environment's rank must be the one
 * these give (`node_rank x procs + local_rank`): servers and clients start
 * as separate jobs or steps, each numbered from 0.
 */
function fromEnvironment(
  p: Command,
  role: "server" | "client",
  env: Readonly<Record<string, string | undefined>>,
): Placement {
  const counts = { numNodes: `num_${role}_nodes`, procs: `num_${role}_procs_per_node` };
  const place = placeProcess(p, env, counts);
  if (!place.origin.startsWith("world from the")) return place;
  const procs = place.numTrainingProcs ?? p.opts()[counts.procs];
  const set = (name: string, value: unknown) => p.setOptionValueWithSource(name, value, "env");
  set(counts.numNodes, place.numNodes);
  set(counts.procs, procs);
  set("node_rank", place.nodeRank);
  set("master_addr", place.masterAddr);
  set("master_port", place.masterPort);
  if (place.localRank !== undefined) set("local_rank", place.localRank);
  if (place.rank !== undefined) {
    const expected = place.nodeRank * procs + place.localRank!;
    if (place.rank !== expected || place.worldSize !== place.numNodes * procs) {
      p.error(
        `${role}: the environment's rank ${place.rank} of ${place.worldSize} is not node ${place.nodeRank} x ` +
          `${procs} per node + ${place.localRank} of ${place.numNodes} x ${procs}: ${role}s need the same count on every node, ranks node by node`,
      );
    }
  }
  return place;
}

function program(role: "server" | "client"): Command {
  const what = role === "server"
    ? "a sampling server: holds one partition per process and prepares minibatches for clients"
    : "a training client: pulls minibatches from a sampling server and trains GraphSAGE";
  const p = newProgram(role, what)
    .option("--num_server_nodes <n>", "nodes running sampling servers", positiveInt, 1)
    .option("--num_client_nodes <n>", "nodes running training clients", positiveInt, 1)
    .option("--node_rank <r>", `this node's rank among the ${role} nodes`, nonNegativeInt, 0)
    .option(
      "--num_dataset_partitions <n>",
      "partitions of the dataset: one per server process",
      positiveInt,
      1,
    )
    .option("--num_server_procs_per_node <n>", "server processes per server node", positiveInt, 1)
    .option("--num_client_procs_per_node <n>", "client processes per client node", positiveInt, 1)
    .option(
      "--dataset_root_dir <dir>",
      "the partition directory (servers; with --task=link clients too: they read their " +
        "training edges there)",
    );
  if (role === "client") addCheckpointOptions(p, "client 0");
  addClusterOptions(p, "server node 0");
  // Clients keep the model; servers hold none.
  if (role === "client") addModelFileOptions(p);
  return addTrainingOptions(p, role, "neighbours sampled per hop (same on servers and clients)");
}
