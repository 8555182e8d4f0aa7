import { type Command, Option } from "commander";
import { finiteNumber, newProgram, nonNegativeInt, parseFanout, positiveInt } from "./flags.ts";
import type { TrainFlags } from "./train_flags.ts";

/** The flags of `deno task server` and `deno task client`, parsed and checked. */
export interface ServerClientFlags extends
  Pick<
    TrainFlags,
    | "masterAddr"
    | "masterPort"
    | "nodeAddr"
    | "secret"
    | "secretFile"
    | "rpcTimeoutMs"
    | "epochs"
    | "batchSize"
    | "fanout"
    | "hidden"
    | "numLayers"
    | "lr"
    | "dropout"
    | "device"
    | "cpuThreads"
    | "seed"
    | "evalEvery"
    | "evalBatchSize"
    | "prefetch"
    | "metrics"
    | "quiet"
  > {
  readonly role: "server" | "client";
  readonly numServerNodes: number;
  readonly numClientNodes: number;
  /** This node's rank among the nodes of its role. */
  readonly nodeRank: number;
  readonly numDatasetPartitions: number;
  readonly numServerProcsPerNode: number;
  readonly numClientProcsPerNode: number;
  /** Which of this node's processes this one is; undefined in the node's launching process. */
  readonly localRank: number | undefined;
  /** The partition directory (servers). */
  readonly datasetRootDir: string | undefined;
  /** numServerNodes x numServerProcsPerNode. */
  readonly numServers: number;
  /** numClientNodes x numClientProcsPerNode. */
  readonly numClients: number;
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
): ServerClientFlags {
  const p = program(role).parse(args, { from: "user" });
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
  if (numClients < numServers) {
    p.error(
      `server-client mode needs at least as many clients as servers: ${numClients} clients (--num_client_nodes x --num_client_procs_per_node) for ${numServers} servers`,
    );
  }
  const flags: ServerClientFlags = {
    role,
    numServerNodes: o.num_server_nodes,
    numClientNodes: o.num_client_nodes,
    nodeRank: o.node_rank,
    numDatasetPartitions: o.num_dataset_partitions,
    numServerProcsPerNode: o.num_server_procs_per_node,
    numClientProcsPerNode: o.num_client_procs_per_node,
    localRank: o.local_rank,
    datasetRootDir: o.dataset_root_dir,
    numServers,
    numClients,
    masterAddr: o.master_addr,
    masterPort: o.master_port,
    nodeAddr: o.node_addr ?? defaultNodeAddr(role, o.node_rank, o.master_addr, p),
    secret: o.secret,
    secretFile: o.secret_file,
    rpcTimeoutMs: o.rpc_timeout_ms,
    epochs: o.epochs,
    batchSize: o.batch_size,
    fanout: o.fanout,
    hidden: o.hidden,
    numLayers: o.fanout.length,
    lr: o.lr,
    dropout: o.dropout,
    device: o.device,
    cpuThreads: o.cpu_threads,
    seed: o.seed,
    evalEvery: o.eval_every,
    evalBatchSize: o.eval_batch_size,
    prefetch: o.prefetch,
    metrics: o.metrics,
    quiet: Boolean(o.quiet),
  };
  if (!(flags.dropout >= 0 && flags.dropout < 1)) {
    p.error(`--dropout must be in [0, 1), got ${flags.dropout}`);
  }
  if (!(flags.lr > 0)) p.error(`--lr must be positive, got ${flags.lr}`);
  if (!["auto", "webgpu", "cpu"].includes(flags.device)) {
    p.error(`--device must be auto, webgpu or cpu, got "${flags.device}"`);
  }
  return flags;
}

/** Server node 0 listens on the coordinator's address; on loopback so does every node. */
function defaultNodeAddr(role: string, rank: number, master: string, p: Command): string {
  if ((role === "server" && rank === 0) || master.startsWith("127.") || master === "localhost") {
    return master;
  }
  return p.error(`--node_addr is needed on ${role} node ${rank}: the address this node listens on`);
}

function program(role: "server" | "client"): Command {
  const what = role === "server"
    ? "a sampling server: holds one partition per process and prepares minibatches for clients"
    : "a training client: pulls minibatches from a sampling server and trains GraphSAGE";
  return newProgram(role, what)
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
    .option("--dataset_root_dir <dir>", "the partition directory (servers)")
    .option("--master_addr <host>", "coordinator address (server node 0)", "127.0.0.1")
    .option("--master_port <port>", "coordinator port", positiveInt, 11234)
    .option(
      "--node_addr <host>",
      "address this node listens on (default: --master_addr on server node 0 or on loopback)",
    )
    .addOption(
      new Option("--local_rank <k>", "process index within the node (set by the node)").argParser(
        nonNegativeInt,
      ).hideHelp(),
    )
    .option("--secret <text>", "shared secret of the cluster (or --secret_file, or WEBGNN_SECRET)")
    .option("--secret_file <path>", "file holding the shared secret")
    .option("--rpc_timeout_ms <ms>", "longest wait for any peer", positiveInt, 60_000)
    .option("--epochs <n>", "training epochs", positiveInt, 10)
    .option("--batch_size <n>", "seeds per minibatch", positiveInt, 512)
    .option(
      "--fanout <list>",
      "neighbours sampled per hop (same on servers and clients)",
      parseFanout,
      [
        15,
        10,
        5,
      ],
    )
    .option("--hidden <n>", "hidden channels", positiveInt, 256)
    .option("--lr <x>", "Adam learning rate", finiteNumber, 0.003)
    .option("--dropout <x>", "dropout between layers", finiteNumber, 0.5)
    .option("--device <kind>", "auto, webgpu or cpu (clients)", "auto")
    .option(
      "--cpu_threads <n>",
      "threads of a client's CPU backend (default: all cores)",
      positiveInt,
    )
    .option("--seed <n>", "random seed", nonNegativeInt, 0)
    .option(
      "--eval_every <n>",
      "evaluate test accuracy every n epochs (0: only after the last)",
      nonNegativeInt,
      1,
    )
    .option("--eval_batch_size <n>", "seeds per evaluation minibatch", positiveInt, 2048)
    .option("--prefetch <n>", "minibatches prepared ahead of training", positiveInt, 2)
    .option(
      "--metrics <path>",
      "write one JSON line per epoch here ({rank} in the path: one file per client)",
    )
    .option("--quiet", "no progress bars");
}
