import type { Command } from "commander";
import { type DashboardAddress, dashboardAddress } from "./dashboard_address.ts";
import { finiteNumber, newProgram, nonNegativeInt, positiveInt } from "./flags.ts";
import {
  addModelFileOptions,
  type ModelFileOptions,
  readModelFileOptions,
} from "./model_file_options.ts";
import {
  addClusterOptions,
  addTrainingOptions,
  type ClusterOptions,
  readClusterOptions,
  readTrainingOptions,
  type TrainingOptions,
} from "./shared_options.ts";

/** The flags of `deno task train`, parsed and checked. */
export interface TrainFlags extends TrainingOptions, ClusterOptions, ModelFileOptions {
  readonly dataset: string;
  readonly datasetRootDir: string | undefined;
  /** Which `split/NAME/` of an OGB directory (one node), when it has several. */
  readonly split: string | undefined;
  readonly scale: number;
  readonly numNodes: number;
  readonly nodeRank: number;
  readonly numTrainingProcs: number;
  readonly numLayers: number;
  /** `sampled` (GLT's sampled inference over the test nodes) or `layerwise` (DGL's; one node only). */
  readonly evalMode: "sampled" | "layerwise";
  /** Flags given that have no effect in the chosen mode, each with why (train warns). */
  readonly unused: readonly string[];
  /** `--dashboard`: where rank 0 serves the live page; off when undefined. */
  readonly dashboard?: DashboardAddress | undefined;
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
    ...readTrainingOptions(p),
    ...readModelFileOptions(p),
    ...readClusterOptions(p, o.node_rank === 0, `node ${o.node_rank}`),
    dataset: o.dataset,
    datasetRootDir: o.dataset_root_dir,
    split: o.split,
    scale: o.scale,
    numNodes: o.num_nodes,
    nodeRank: o.node_rank,
    numTrainingProcs: o.num_training_procs,
    numLayers: o.num_layers ?? o.fanout.length,
    evalMode: o.eval,
    unused: unusedFlags(p),
    dashboard: o.dashboard,
  };
  checkTrainFlags(flags, p);
  return flags;
}

/**
 * Flags the user gave that the chosen mode never reads: one node with one
 * trainer forms no cluster; a cluster reads its partition directory, not a
 * dataset; only the synthetic dataset has a scale.
 */
function unusedFlags(p: Command): string[] {
  const o = p.opts();
  const given = (name: string) => p.getOptionValueSource(name) === "cli";
  if (o.num_nodes > 1 || o.num_training_procs > 1) {
    return ["split", "scale"].filter(given).map((name) =>
      `--${name} has no effect with --num_nodes > 1 or --num_training_procs > 1: ` +
      "trainers read the partition directory (--dataset_root_dir)"
    );
  }
  const cluster = ["master_addr", "master_port", "node_addr", "secret", "secret_file"]
    .concat(["rpc_timeout_ms", "dashboard"]).filter(given).map((name) =>
      `--${name} has no effect on one node with one trainer ` +
      "(--num_nodes=1, --num_training_procs=1): it forms no cluster"
    );
  if (o.dataset !== "synthetic" && given("scale")) {
    cluster.push(
      `--scale has no effect with --dataset=${o.dataset}: only the synthetic graph has one`,
    );
  }
  return cluster;
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
  if (!(f.scale > 0 && f.scale <= 1)) p.error(`--scale must be in (0, 1], got ${f.scale}`);
  if (f.evalMode !== "sampled" && f.evalMode !== "layerwise") {
    p.error(`--eval must be sampled or layerwise, got "${f.evalMode}"`);
  }
  if (f.evalMode === "layerwise" && f.numNodes > 1) {
    p.error("--eval=layerwise runs on one node only (--num_nodes=1)");
  }
}

function trainProgram(): Command {
  const p = newProgram(
    "train",
    "train GraphSAGE on one node or, with --num_nodes > 1, on a cluster",
  )
    .option(
      "--dataset <name>",
      "synthetic; ogb (any OGB-layout directory, with --dataset_root_dir); an OGB " +
        "node-property dataset (e.g. ogbn-products); or an OGB-layout directory's path",
      "synthetic",
    )
    .option(
      "--dataset_root_dir <dir>",
      "OGB dataset directory, or the partition directory with --num_nodes > 1",
    )
    .option("--split <name>", "which split/NAME/ of an OGB directory, when it has several")
    .option(
      "--scale <x>",
      "synthetic dataset size as a fraction of ogbn-products",
      finiteNumber,
      0.01,
    )
    .option("--num_nodes <n>", "nodes in the cluster", positiveInt, 1)
    .option("--node_rank <r>", "this node's rank", nonNegativeInt, 0)
    .option("--num_training_procs <n>", "trainers per node", positiveInt, 1)
    .option("--num_layers <n>", "GraphSAGE layers (default: one per fan-out)", positiveInt)
    .option(
      "--eval <mode>",
      "test accuracy by sampled inference over the test nodes (GLT) or layerwise: every layer " +
        "once over all nodes with full neighbourhoods (DGL; one node, much faster on large graphs)",
      "sampled",
    )
    .option(
      "--dashboard <host:port>",
      "node 0 serves a live page of the cluster there (off by default; the URL with its access " +
        "token is printed at start)",
      dashboardAddress,
    );
  addClusterOptions(p, "node 0");
  addModelFileOptions(p);
  return addTrainingOptions(p, "trainer", "neighbours sampled per hop; 0 = none (an MLP)");
}
