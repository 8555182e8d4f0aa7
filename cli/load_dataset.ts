import type { NodeDataset } from "../engine/dataset.ts";
import { loadOgbDataset } from "../partition/ogb_loader.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { UsageError } from "./usage_error.ts";

/** Where a command's dataset comes from. */
export interface DatasetFlags {
  /**
   * `synthetic`; `ogb` for any directory in OGB's raw layout (named by
   * `datasetRootDir`); an OGB dataset name (ogbn-products, ...); or the path
   * of an OGB-layout directory itself.
   */
  readonly dataset: string;
  /** For OGB datasets: the directory holding `raw/` and `split/`, or its parent. */
  readonly datasetRootDir?: string | undefined;
  /** Which `split/NAME/` to use when the directory has several. */
  readonly split?: string | undefined;
  /**
   * An OGB directory may lack `split/` (and `raw/node-label`): the link split is made from its
   * graph (`--edge_split`).
   */
  readonly splitOptional?: boolean;
  /** For the synthetic dataset: fraction of ogbn-products' size. */
  readonly scale: number;
  readonly seed: number;
  readonly quiet?: boolean;
  /**
   * `--edge_weight`: the run samples by edge weight, so the dataset must have
   * weights (the synthetic graph then generates them).
   */
  readonly edgeWeight?: boolean;
}

/**
 * Loads the dataset a command names: the synthetic products-like graph, or a
 * directory in OGB's raw layout found at `DIR`, `DIR/NAME` or `DIR/NAME` with
 * dashes as underscores (OGB's own directory naming). `--dataset=ogb` (or a
 * path as `--dataset`) loads any such directory under its own name; with
 * several splits, `--split` picks one. A flag the dataset does not use is a
 * usage error, not silently ignored. With `edgeWeight`, the synthetic graph
 * comes with its edge weights, and an OGB directory without
 * `raw/edge-weight.csv(.gz)` is a usage error naming the flag and the directory.
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
    if (flags.datasetRootDir !== undefined) {
      throw new UsageError(
        `--dataset_root_dir=${flags.datasetRootDir} has no effect with --dataset=synthetic (the graph is generated): ` +
          "name an OGB dataset with --dataset (ogb, ogbn-NAME or a path), or drop the flag",
      );
    }
    if (flags.split !== undefined) {
      throw new UsageError("--split has no effect with --dataset=synthetic");
    }
    if (!(flags.scale > 0 && flags.scale <= 1)) {
      throw new UsageError(`--scale must be in (0, 1], got ${flags.scale}`);
    }
    return generateSynthetic({
      scale: flags.scale,
      seed: flags.seed,
      quiet,
      ...(flags.edgeWeight ? { edgeWeights: true } : {}),
    });
  }
  const dir = await ogbDirectory(flags);
  const split = await chooseSplit(dir, flags.split);
  const data = await loadOgbDataset(dir, {
    quiet,
    ...(/^ogb[nl]-[a-z0-9-]+$/.test(flags.dataset) ? { name: flags.dataset } : {}),
    ...(split === undefined ? {} : { split }),
    ...(flags.splitOptional ? { splitOptional: true } : {}),
  });
  if (flags.edgeWeight && !data.edgeWeights) {
    throw new UsageError(
      `--edge_weight: ${dir} has no edge weights (no raw/edge-weight.csv or raw/edge-weight.csv.gz, ` +
        "one weight per raw/edge.csv line): add the file, or sample uniformly without --edge_weight",
    );
  }
  return data;
}

/** The directory holding `raw/` for an OGB dataset named by the flags. */
async function ogbDirectory(flags: DatasetFlags): Promise<string> {
  const name = flags.dataset;
  const isPath = name.includes("/") || name === "." || name === "..";
  if (isPath) {
    if (flags.datasetRootDir !== undefined) {
      throw new UsageError(
        `--dataset=${name} is a path; --dataset_root_dir=${flags.datasetRootDir} would be ignored, give only one`,
      );
    }
    if (await isDirectory(`${name}/raw`)) return name;
    throw new UsageError(`--dataset=${name}: no OGB raw layout there (expected ${name}/raw/)`);
  }
  if (name !== "ogb" && !/^ogb[nl]-[a-z0-9-]+$/.test(name)) {
    throw new UsageError(
      `--dataset=${name}: unknown dataset; expected "synthetic", "ogb" (any OGB-layout directory, with --dataset_root_dir), an OGB dataset name such as ogbn-products or ogbl-collab, or a directory's path`,
    );
  }
  const root = flags.datasetRootDir;
  if (!root) throw new UsageError(`--dataset=${name} needs --dataset_root_dir`);
  const candidates = name === "ogb"
    ? [root]
    : [root, `${root}/${name}`, `${root}/${name.replaceAll("-", "_")}`];
  for (const dir of candidates) {
    if (await isDirectory(`${dir}/raw`)) return dir;
  }
  throw new UsageError(
    `--dataset_root_dir=${root}: no OGB raw layout (a raw/ directory) in ${candidates.join(", ")}`,
  );
}

/** The split to load: `wanted`, or the only one; several without `--split` is a usage error. */
async function chooseSplit(dir: string, wanted: string | undefined): Promise<string | undefined> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/split`)) if (e.isDirectory) names.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  names.sort();
  if (wanted !== undefined) {
    if (!names.includes(wanted)) {
      throw new UsageError(
        `--split=${wanted}: no ${dir}/split/${wanted}/ (splits there: ${
          names.join(", ") || "none"
        })`,
      );
    }
    return wanted;
  }
  if (names.length > 1) {
    throw new UsageError(
      `${dir}/split holds several splits (${names.join(", ")}): choose one with --split=NAME`,
    );
  }
  return undefined; // one split (the loader takes it) or none (the loader says so)
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
