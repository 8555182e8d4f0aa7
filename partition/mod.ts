/**
 * partition/: getting a dataset into memory (the OGB raw-format loader, the
 * synthetic products-like generator) and splitting it into the partition
 * directories that dist/ serves.
 *
 * @example
 * ```ts
 * import { generateSynthetic, loadPartition, partitionDataset } from "./mod.ts";
 * const output = await Deno.makeTempDir();
 * const ds = generateSynthetic({ scale: 0.001, seed: 1, quiet: true });
 * await partitionDataset(ds, { numPartitions: 2, partitioner: "locality", output, quiet: true });
 * const p0 = await loadPartition(output, 0);
 * console.log(p0.graph.numNodes > 0); // true
 * await Deno.remove(output, { recursive: true });
 * ```
 *
 * @module
 */
export { generateSynthetic, type SyntheticOptions } from "./synthetic.ts";
export { loadOgbDataset, type OgbLoadOptions } from "./ogb_loader.ts";
export { OgbFormatError } from "./ogb_format_error.ts";
export { splitEdges } from "./split_edges.ts";
export { Progress, type ProgressFn, type ProgressOptions } from "./_util.ts";
export { type FeatureSignal, featureSignal } from "./feature_signal.ts";
export { partitionDataset } from "./partition_dataset.ts";
export type { PartitionerName, PartitionOptions } from "./partition_options.ts";
export { assignRandom } from "./assign_random.ts";
export { assignFrequency, type FrequencyAssignment } from "./assign_frequency.ts";
export { assignLocality, type LocalityOptions } from "./assign_locality.ts";
export { samplingHotness } from "./hotness.ts";
export { type LoadedPartition, loadPartition } from "./load_partition.ts";
export { loadPartitionMeta } from "./load_partition_meta.ts";
export { type OutputDirState, outputDirState } from "./output_dir_state.ts";
export { loadPartitionSeeds, type PartitionSeeds } from "./load_partition_seeds.ts";
export { loadPartitionLinks, type PartitionLinks } from "./load_partition_links.ts";
export { PartitionFormatError } from "./partition_format_error.ts";
export {
  type DType,
  type FileEntry,
  PARTITION_FORMAT_VERSION,
  type PartitionMeta,
  type PartitionStats,
} from "./partition_meta.ts";
