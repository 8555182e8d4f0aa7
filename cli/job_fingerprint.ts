// What must agree between the processes of one job, and between a run and
// the checkpoint it resumes: one list per role, built here and nowhere else.
import type { Fingerprint } from "../dist/cluster/fingerprint.ts";
import { PROTOCOL_VERSION } from "../dist/rpc/messages.ts";
import type { NodeDataset } from "../engine/dataset.ts";
import { partitionChecksum } from "../partition/partition_checksum.ts";
import type { PartitionMeta } from "../partition/partition_meta.ts";
import type { ServerClientFlags } from "./server_client_flags.ts";
import type { TrainingOptions } from "./shared_options.ts";

/**
 * The fields that decide what a trainer computes, in the order a user
 * would look for a mistake: the model's shape, the sampling (fan-out and
 * `--edge_weight`), the optimizer,
 * the random seed and the epoch loop. Each is named by its flag. `epochs`
 * and `--eval_every` must agree because every trainer takes part in every
 * step's all-reduce and every evaluation's sum; a resumed run may change
 * them (see {@linkcode RESUMABLE_FIELDS}).
 *
 * @example
 * ```ts ignore
 * import { trainingFields } from "./job_fingerprint.ts";
 * const fields = trainingFields({ ...flags, numLayers: 3 });
 * ```
 */
export function trainingFields(
  f:
    & Pick<
      TrainingOptions,
      | "fanout"
      | "edgeWeight"
      | "hidden"
      | "dropout"
      | "batchSize"
      | "lr"
      | "seed"
      | "epochs"
      | "evalEvery"
    >
    & { readonly numLayers: number },
): Fingerprint {
  return [
    ["--num_layers", String(f.numLayers)],
    ["--hidden", String(f.hidden)],
    ["--fanout", f.fanout.join(",")],
    edgeWeightField(f.edgeWeight),
    ["--batch_size", String(f.batchSize)],
    ["--dropout", String(f.dropout)],
    ["--lr", String(f.lr)],
    ["--seed", String(f.seed)],
    ["--epochs", String(f.epochs)],
    ["--eval_every", String(f.evalEvery)],
  ];
}

/**
 * Whether neighbours are drawn by edge weight: trainers, sampling servers and
 * clients must all agree, and a checkpoint resumes only with the same choice.
 *
 * @example
 * ```ts
 * import { edgeWeightField } from "./job_fingerprint.ts";
 * console.log(edgeWeightField(true)); // ["--edge_weight", "on"]
 * ```
 */
export function edgeWeightField(edgeWeight: boolean): readonly [string, string] {
  return ["--edge_weight", edgeWeight ? "on" : "off"];
}

/** Fields a resumed run may change: training longer, or evaluating at another pace. */
export const RESUMABLE_FIELDS: readonly string[] = ["--epochs", "--eval_every"];

/**
 * A partition directory, coarse to fine: the dataset, the partitioner and
 * its options, then the SHA-256 of `meta.json`, which covers every count and
 * every file's SHA-256 (so an edited count or a re-partitioning with the same
 * settings still differs). The model's input width and class count come
 * from here too.
 *
 * @example
 * ```ts ignore
 * import { partitionFields } from "./job_fingerprint.ts";
 * const fields = await partitionFields(meta);
 * ```
 */
export async function partitionFields(meta: PartitionMeta): Promise<Fingerprint> {
  const d = meta.dataset;
  const o = meta.options;
  return [
    ["dataset", `${d.name} (${d.numNodes} nodes, ${d.numEdges} edges)`],
    ["features x classes", `${d.featureDim} x ${d.numClasses}`],
    ["partitions", String(meta.numPartitions)],
    ["partitioner", `${meta.partitioner} (seed ${o.seed}, cache ratio ${o.cacheRatio})`],
    ["partition meta.json sha256", await partitionChecksum(meta)],
  ];
}

/**
 * A dataset held whole on one node, for checkpoints of a one-node run: its
 * name and every size that shapes the model or the epochs. (Its contents are
 * not hashed: at ogbn-products' size that is a gigabyte per run.)
 *
 * @example
 * ```ts ignore
 * import { datasetFields } from "./job_fingerprint.ts";
 * const fields = datasetFields(dataset);
 * ```
 */
export function datasetFields(d: NodeDataset): Fingerprint {
  return [
    ["dataset", `${d.name} (${d.graph.numNodes} nodes, ${d.graph.indices.length} edges)`],
    ["features x classes", `${d.featureDim} x ${d.numClasses}`],
    ["train seeds", String(d.split.train.length)],
  ];
}

/** The wire protocol's version: ranks of different webgnn versions cannot work together. */
export function protocolField(): Fingerprint {
  return [["protocol version", String(PROTOCOL_VERSION)]];
}

/**
 * The shape of a server-client world, which servers and clients must all
 * give alike (they also share `--fanout`).
 *
 * @example
 * ```ts ignore
 * import { serverClientFields } from "./job_fingerprint.ts";
 * const fields = serverClientFields(flags);
 * ```
 */
export function serverClientFields(f: ServerClientFlags): Fingerprint {
  return [
    ["--num_server_nodes", String(f.numServerNodes)],
    ["--num_server_procs_per_node", String(f.numServerProcsPerNode)],
    ["--num_client_nodes", String(f.numClientNodes)],
    ["--num_client_procs_per_node", String(f.numClientProcsPerNode)],
  ];
}
