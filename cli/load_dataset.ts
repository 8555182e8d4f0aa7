import type { NodeDataset } from "../engine/dataset.ts";
import { loadOgbDataset } from "../partition/ogb_loader.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { UsageError } from "./usage_error.ts";

/** Where a command's dataset comes from. */
export interface DatasetFlags {
  /** `synthetic`, or the name of an OGB node-property dataset (ogbn-products, ogbn-arxiv, ...). */
  readonly dataset: string;
  /** For OGB datasets: the directory holding `raw/` and `split/`, or its parent. */
  readonly datasetRootDir?: string | undefined;
  /** For the synthetic dataset: fraction of ogbn-products' size. */
  readonly scale: number;
  readonly seed: number;
  readonly quiet?: boolean;
}

/**
 * Loads the dataset a command names: the synthetic products-like graph, or an
 * OGB dataset in raw layout found at `DIR`, `DIR/NAME` or `DIR/NAME` with
 * dashes as underscores (OGB's own directory naming).
 *
 * @example
 * ```ts
 * import { loadDataset } from "./load_dataset.ts";
 * const ds = await loadDataset({ dataset: "synthetic", scale: 0.001, seed: 0, quiet: true });
 * console.log(ds.numClasses); // 47
 * ```
 */
export async function loadDataset(flags: DatasetFlags): Promise<NodeDataset> {
  const quiet = flags.quiet ?? false;
  if (flags.dataset === "synthetic") {
    if (!(flags.scale > 0 && flags.scale <= 1)) {
      throw new UsageError(`--scale must be in (0, 1], got ${flags.scale}`);
    }
    return generateSynthetic({ scale: flags.scale, seed: flags.seed, quiet });
  }
  if (!/^ogbn-[a-z0-9-]+$/.test(flags.dataset)) {
    throw new UsageError(
      `--dataset=${flags.dataset}: unknown dataset; expected "synthetic" or an OGB node-property dataset name such as ogbn-products`,
    );
  }
  const root = flags.datasetRootDir;
  if (!root) throw new UsageError(`--dataset=${flags.dataset} needs --dataset_root_dir`);
  const candidates = [
    root,
    `${root}/${flags.dataset}`,
    `${root}/${flags.dataset.replaceAll("-", "_")}`,
  ];
  for (const dir of candidates) {
    if (await isDirectory(`${dir}/raw`)) {
      return await loadOgbDataset(dir, { name: flags.dataset, quiet });
    }
  }
  throw new UsageError(
    `--dataset_root_dir=${root}: no OGB raw layout (a raw/ directory) in ${candidates.join(", ")}`,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
