import type { Command } from "commander";
import { type DashboardAddress, dashboardAddress } from "./dashboard_address.ts";
import {
  deviceList,
  edgeSplit,
  finiteNumber,
  newProgram,
  nonNegativeInt,
  positiveInt,
} from "./flags.ts";
import { placeProcess } from "./place_process.ts";
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

/** The flags of `deno task train`, parsed and checked. */
export interface TrainFlags
  extends TrainingOptions, ClusterOptions, ModelFileOptions, CheckpointFlags {
  readonly dataset: string;
  readonly datasetRootDir: string | undefined;
  /** Which `split/NAME/` of an OGB directory (one node), when it has several. */
  readonly split: string | undefined;
  readonly scale: number;
  /** `--edge_split`: train, valid and test shares of the graph's edges (one node, `--task=link`). */
  readonly edgeSplit: readonly [number, number, number] | undefined;
  readonly numNodes: number;
  readonly nodeRank: number;
  /** Trainers on this node; undefined when only the census will tell (one task per trainer). */
  readonly numTrainingProcs: number | undefined;
  /** This trainer's rank and the number of trainers, when a cluster manager's environment gives them. */
  readonly rank: number | undefined;
  readonly worldSize: number | undefined;
  /** Where the world came from (flags or which environment variables): the run's first line. */
  readonly origin: string;
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
export function parseTrainFlags(
  args: string[],
  env: Readonly<Record<string, string | undefined>> = {},
): TrainFlags {
  const p = trainProgram().parse(args, { from: "user" });
  const o = p.opts();
  const place = placeProcess(p, env);
  const training = readTrainingOptions(p);
  const flags: TrainFlags = {
    ...training,
    ...readModelFileOptions(p),
    ...readClusterOptions(p, place.nodeRank === 0, place.masterAddr),
    ...place,
    ...visibleDevices(p, place.localRank, place.numTrainingProcs, place.rank !== undefined),
    dataset: o.dataset,
    datasetRootDir: o.dataset_root_dir,
    split: o.split,
    scale: o.scale,
    edgeSplit: o.edge_split,
    numLayers: o.num_layers ?? training.fanout.length,
    evalMode: o.eval,
    checkpointDir: o.checkpoint_dir,
    checkpointEvery: o.checkpoint_every,
    checkpointKeep: o.checkpoint_keep,
    resume: Boolean(o.resume),
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
    return ["split", "scale", "edge_split"].filter(given).map((name) =>
      `--${name} has no effect with --num_nodes > 1 or --num_training_procs > 1: ` +
      "trainers read the partition directory (--dataset_root_dir)" +
      (name === "edge_split" ? "; split its edges with deno task partition --edge_split" : "")
    );
  }
  const cluster = ["master_addr", "master_port", "node_addr", "secret", "secret_file"]
    .concat(["rpc_timeout_ms", "peer_timeout_ms", "dashboard"]).filter(given).map((name) =>
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

/**
 * `--visible_devices=0,1`: one trainer per listed adapter. The node process
 * starts that many trainers; trainer k (`--local_rank`, or its index from the
 * environment) uses adapter `list[k]`.
 */
function visibleDevices(
  p: Command,
  localRank: number | undefined,
  procs: number | undefined,
  perTask: boolean,
): { numTrainingProcs?: number; device?: "webgpu"; adapter?: number } {
  const list: number[] | undefined = p.opts().visible_devices;
  if (list === undefined) return {};
  if (p.getOptionValueSource("device") === "cli") {
    p.error("--visible_devices chooses each trainer's --device; give one or the other");
  }
  if (
    procs !== undefined && p.getOptionValueSource("num_training_procs") === "cli" &&
    procs !== list.length
  ) {
    p.error(
      `--visible_devices lists ${list.length} devices but --num_training_procs=${procs}: one trainer per device`,
    );
  }
  // The node process starts one trainer per device (or, for one device, trains itself);
  // under a cluster manager each task is one trainer already.
  const adapter = list[localRank ?? 0];
  if (adapter === undefined) {
    p.error(
      `--visible_devices=${list.join(",")} has no device for trainer ${localRank} of this node`,
    );
  }
  const count = perTask ? {} : { numTrainingProcs: list.length };
  return { ...count, device: "webgpu", adapter };
}

function checkTrainFlags(f: TrainFlags, p: Command): void {
  if (
    f.localRank !== undefined && f.numTrainingProcs !== undefined &&
    f.localRank >= f.numTrainingProcs
  ) {
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
  const given = (name: string) => p.getOptionValueSource(name) === "cli";
  for (const name of ["resume", "checkpoint_every", "checkpoint_keep"]) {
    if (given(name) && f.checkpointDir === undefined) {
      p.error(`--${name} needs --checkpoint_dir: the directory that holds the checkpoints`);
    }
  }
  if (f.edgeSplit !== undefined && f.task !== "link") {
    p.error("--edge_split makes link-prediction edges: it is read only with --task=link");
  }
  if (f.evalMode === "layerwise" && f.task === "link") {
    p.error(
      "--eval=layerwise is for node classification; --task=link evaluates by sampled inference",
    );
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
      "--edge_split <shares>",
      "with --task=link on one node: train,valid,test shares of the graph's edges (e.g. " +
        "0.85,0.05,0.10), for a dataset without link-prediction edges",
      edgeSplit,
    )
    .option(
      "--scale <x>",
      "synthetic dataset size as a fraction of ogbn-products",
      finiteNumber,
      0.01,
    )
    .option("--num_nodes <n>", "nodes in the cluster", positiveInt, 1)
    .option("--node_rank <r>", "this node's rank", nonNegativeInt, 0)
    .option("--num_training_procs <n>", "trainers per node", positiveInt, 1)
    .option(
      "--visible_devices <list>",
      "WebGPU adapters of this node, one trainer each (e.g. 0,1: trainer k uses webgpu:<k-th>)",
      deviceList,
    )
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
  addCheckpointOptions(p, "node 0's first trainer");
  addClusterOptions(p, "node 0");
  addModelFileOptions(p);
  return addTrainingOptions(p, "trainer", "neighbours sampled per hop; 0 = none (an MLP)");
}
