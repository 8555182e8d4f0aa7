import { type Command, Option } from "commander";
import { finiteNumber, newProgram, nonNegativeInt, parseFanout, positiveInt } from "./flags.ts";

/** The flags of `deno task train`, parsed and checked. */
export interface TrainFlags {
  readonly dataset: string;
  readonly datasetRootDir: string | undefined;
  readonly scale: number;
  readonly numNodes: number;
  readonly nodeRank: number;
  readonly masterAddr: string;
  readonly masterPort: number;
  readonly numTrainingProcs: number;
  /** Which of this node's trainers this process is; undefined in the node's launching process. */
  readonly localRank: number | undefined;
  /** The interface this node's RPC servers listen on. */
  readonly nodeAddr: string;
  readonly secret: string | undefined;
  readonly secretFile: string | undefined;
  readonly rpcTimeoutMs: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly fanout: number[];
  readonly hidden: number;
  readonly numLayers: number;
  readonly lr: number;
  readonly dropout: number;
  readonly device: "auto" | "webgpu" | "cpu";
  /** Threads of the CPU backend (default: all cores). */
  readonly cpuThreads: number | undefined;
  readonly seed: number;
  readonly evalEvery: number;
  readonly evalBatchSize: number;
  readonly prefetch: number;
  readonly metrics: string | undefined;
  readonly quiet: boolean;
}

/**
 * The `train` command's flags, named as in graphlearn-for-pytorch's
 * distributed GraphSAGE example where they overlap.
 *
 * @example
 * ```ts
 * import { parseTrainFlags } from "./train_flags.ts";
 * console.log(parseTrainFlags(["--epochs=2", "--fanout=5,5"]).fanout); // [5, 5]
 * ```
 */
export function parseTrainFlags(args: string[]): TrainFlags {
  const p = trainProgram().parse(args, { from: "user" });
  const o = p.opts();
  const flags: TrainFlags = {
    dataset: o.dataset,
    datasetRootDir: o.dataset_root_dir,
    scale: o.scale,
    numNodes: o.num_nodes,
    nodeRank: o.node_rank,
    masterAddr: o.master_addr,
    masterPort: o.master_port,
    numTrainingProcs: o.num_training_procs,
    localRank: o.local_rank,
    nodeAddr: o.node_addr ?? defaultNodeAddr(o.node_rank, o.master_addr, p),
    secret: o.secret,
    secretFile: o.secret_file,
    rpcTimeoutMs: o.rpc_timeout_ms,
    epochs: o.epochs,
    batchSize: o.batch_size,
    fanout: o.fanout,
    hidden: o.hidden,
    numLayers: o.num_layers ?? o.fanout.length,
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
  checkTrainFlags(flags, p);
  return flags;
}

/** Node 0 listens on the coordinator's address; on loopback so does every node. */
function defaultNodeAddr(rank: number, masterAddr: string, p: Command): string {
  if (rank === 0 || masterAddr.startsWith("127.") || masterAddr === "localhost") return masterAddr;
  return p.error(`--node_addr is needed on node ${rank}: the address this node listens on`);
}

function checkTrainFlags(f: TrainFlags, p: Command): void {
  if (f.localRank !== undefined && f.localRank >= f.numTrainingProcs) {
    p.error(`--local_rank=${f.localRank} must be below --num_training_procs=${f.numTrainingProcs}`);
  }
  if (f.fanout.length !== f.numLayers) {
    p.error(
      `--fanout has ${f.fanout.length} hops but --num_layers is ${f.numLayers}; give one fan-out per layer`,
    );
  }
  if (f.nodeRank >= f.numNodes) {
    p.error(`--node_rank=${f.nodeRank} must be below --num_nodes=${f.numNodes}`);
  }
  if (!(f.dropout >= 0 && f.dropout < 1)) p.error(`--dropout must be in [0, 1), got ${f.dropout}`);
  if (!(f.lr > 0)) p.error(`--lr must be positive, got ${f.lr}`);
  if (!(f.scale > 0 && f.scale <= 1)) p.error(`--scale must be in (0, 1], got ${f.scale}`);
  if (!["auto", "webgpu", "cpu"].includes(f.device)) {
    p.error(`--device must be auto, webgpu or cpu, got "${f.device}"`);
  }
}

function trainProgram(): Command {
  return newProgram("train", "train GraphSAGE on one node or, with --num_nodes > 1, on a cluster")
    .option(
      "--dataset <name>",
      "synthetic, or an OGB node-property dataset (e.g. ogbn-products)",
      "synthetic",
    )
    .option(
      "--dataset_root_dir <dir>",
      "OGB dataset directory, or the partition directory with --num_nodes > 1",
    )
    .option(
      "--scale <x>",
      "synthetic dataset size as a fraction of ogbn-products",
      finiteNumber,
      0.01,
    )
    .option("--num_nodes <n>", "nodes in the cluster", positiveInt, 1)
    .option("--node_rank <r>", "this node's rank", nonNegativeInt, 0)
    .option("--master_addr <host>", "coordinator address (node 0)", "127.0.0.1")
    .option("--master_port <port>", "coordinator port", positiveInt, 11234)
    .option("--num_training_procs <n>", "trainers per node", positiveInt, 1)
    .option(
      "--node_addr <host>",
      "address this node listens on (default: --master_addr on node 0 or on loopback)",
    )
    .addOption(
      new Option("--local_rank <k>", "trainer index within the node (set by the node)").argParser(
        nonNegativeInt,
      ).hideHelp(),
    )
    .option("--secret <text>", "shared secret of the cluster (or --secret_file, or WEBGNN_SECRET)")
    .option("--secret_file <path>", "file holding the shared secret")
    .option("--rpc_timeout_ms <ms>", "longest wait for any peer", positiveInt, 60_000)
    .option("--epochs <n>", "training epochs", positiveInt, 10)
    .option("--batch_size <n>", "seeds per minibatch", positiveInt, 512)
    .option("--fanout <list>", "neighbours sampled per hop; 0 = none (an MLP)", parseFanout, [
      15,
      10,
      5,
    ])
    .option("--hidden <n>", "hidden channels", positiveInt, 256)
    .option("--num_layers <n>", "GraphSAGE layers (default: one per fan-out)", positiveInt)
    .option("--lr <x>", "Adam learning rate", finiteNumber, 0.003)
    .option("--dropout <x>", "dropout between layers", finiteNumber, 0.5)
    .option("--device <kind>", "auto, webgpu or cpu", "auto")
    .option("--cpu_threads <n>", "threads of the CPU backend (default: all cores)", positiveInt)
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
      "write one JSON line per epoch here ({rank} in the path: one file per trainer)",
    )
    .option("--quiet", "no progress bars");
}
