// `deno task partition`: cut a dataset into the partition directory that
// distributed training reads.
import { InvalidArgumentError } from "commander";
import { basename, dirname, join } from "node:path";
import { partitionDataset } from "../partition/partition_dataset.ts";
import type { PartitionerName } from "../partition/partition_options.ts";
import type { PartitionMeta } from "../partition/partition_meta.ts";
import {
  edgeSplit,
  finiteNumber,
  newProgram,
  nonNegativeInt,
  parseFanout,
  positiveInt,
} from "./flags.ts";
import { splitEdges } from "../partition/split_edges.ts";
import { loadDataset } from "./load_dataset.ts";
import { runCommand } from "./run_command.ts";
import { UsageError } from "./usage_error.ts";
import { outputDirState } from "../partition/output_dir_state.ts";

const PARTITIONERS: readonly PartitionerName[] = ["random", "frequency", "locality"];

/** What one run of the partition command did, as printed in its last line. */
export interface PartitionRunSummary {
  readonly dataset: string;
  readonly output: string;
  readonly partitioner: PartitionerName;
  readonly numPartitions: number;
  readonly numNodes: number;
  readonly numEdges: number;
  readonly edgeCutRatio: number;
  readonly balance: {
    readonly nodes: number;
    readonly train: number;
    readonly linkTrain?: number;
  };
  /** Link-prediction edges written, when the dataset has a link split or `--edge_split` made one. */
  readonly links?: PartitionMeta["links"];
  readonly loadSeconds: number;
  readonly partitionSeconds: number;
  readonly peakRssBytes: number;
}

/**
 * The `partition` command: loads a dataset (the synthetic products-like graph
 * or an OGB raw directory), with `--edge_split` deals its edges into a
 * link-prediction split (`splitEdges`), partitions it and writes the
 * partition directory;
 * prints a human summary and, last, one JSON line. Bad flags throw a
 * `UsageError`; data errors name the file.
 *
 * @example
 * ```ts ignore
 * import { partitionCommand } from "./partition.ts";
 * await partitionCommand(["--scale=0.001", "--num_partitions=2", "--output=out/p2"]);
 * ```
 */
export async function partitionCommand(args: string[]): Promise<PartitionRunSummary> {
  const o = newProgram("partition", "partition a graph dataset for distributed GraphSAGE training")
    .option(
      "--dataset <name>",
      "synthetic; ogb (any OGB-layout directory, with --dataset_root_dir); an OGB " +
        "dataset (e.g. ogbn-products, ogbl-collab); or an OGB-layout directory's path",
      "synthetic",
    )
    .option("--dataset_root_dir <dir>", "OGB dataset directory (raw/ and split/), or its parent")
    .option("--root <dir>", "alias of --dataset_root_dir")
    .option("--split <name>", "which split/NAME/ to use when the OGB directory has several")
    .option(
      "--scale <x>",
      "synthetic graph size as a fraction of ogbn-products (as train's)",
      finiteNumber,
      0.01,
    )
    .option(
      "--edge_split <fractions>",
      "train,valid,test shares of the graph's edges for link prediction (e.g. 0.85,0.05,0.10; " +
        "seeded by --seed): validation and test edges leave the graph",
      edgeSplit,
    )
    .option(
      "--edge_weight",
      "the partitions must carry edge weights (for training with --edge_weight): generated for " +
        "the synthetic graph, read from raw/edge-weight.csv(.gz) of an OGB directory (which are " +
        "kept whenever present)",
    )
    .option("--num_partitions <n>", "number of partitions", positiveInt, 2)
    .option("--partitioner <name>", PARTITIONERS.join(" | "), partitionerName, "locality")
    .option(
      "--cache_ratio <x>",
      "hot-feature cache per partition, as a fraction of its nodes",
      ratio,
      0.2,
    )
    .option("--fanout <list>", "sampling fan-out per hop, for hotness", positiveFanout, [15, 10, 5])
    .option(
      "--output <dir>",
      "output directory: new, empty, or (with --overwrite) a partition directory " +
        "(default data/DATASET-PARTITIONER-N)",
    )
    .option("--overwrite", "replace the partition directory already at --output")
    .option("--seed <n>", "random seed", nonNegativeInt, 0)
    .option("--quiet", "no progress bars")
    .parse(args, { from: "user" })
    .opts();
  const quiet = o.quiet === true;
  const output: string = o.output ??
    `data/${baseName(o.dataset)}-${o.partitioner}-${o.num_partitions}`;
  await checkOutput(output, o.overwrite === true);
  const root: string | undefined = o.dataset_root_dir ?? o.root ??
    (/^ogb[nl]-[a-z0-9-]+$/.test(o.dataset) ? `data/${o.dataset}` : undefined);
  const t0 = performance.now();
  const loaded = await loadDataset({
    dataset: o.dataset,
    datasetRootDir: root,
    split: o.split,
    splitOptional: o.edge_split !== undefined,
    scale: o.scale,
    seed: o.seed,
    quiet,
    edgeWeight: o.edge_weight === true,
  });
  if (o.edge_split !== undefined && loaded.links) {
    throw new UsageError(
      `--edge_split=${o.edge_split.join(",")}: ${loaded.name} already has a link split ` +
        "(two-column split files); drop the flag to partition with it",
    );
  }
  const dataset = o.edge_split === undefined ? loaded : splitEdges(loaded, o.edge_split, o.seed);
  if (o.num_partitions > dataset.graph.numNodes) {
    throw new UsageError(
      `--num_partitions=${o.num_partitions}: more partitions than ${dataset.name}'s ${dataset.graph.numNodes} nodes`,
    );
  }
  const t1 = performance.now();
  // Interrupted while writing (Ctrl-C, SIGTERM), it removes its hidden
  // temporary directory before it exits; one left by SIGKILL is removed by
  // the next run on the same output. The handlers are in place before the
  // directory is made: a signal that comes between its creation and
  // `onTempDir` finds it by this process's id in its name.
  let tmp: string | undefined;
  const ours = `.${basename(output)}.tmp-${Deno.pid}-`;
  const interrupted = (signal: Deno.Signal) => () => {
    if (tmp !== undefined) Deno.removeSync(tmp, { recursive: true });
    else {
      try {
        for (const e of Deno.readDirSync(dirname(output))) {
          if (e.name.startsWith(ours)) {
            Deno.removeSync(join(dirname(output), e.name), { recursive: true });
          }
        }
      } catch { /* no parent yet: nothing written */ }
    }
    console.error(`webgnn partition: interrupted by ${signal}; ${output} is unchanged`);
    Deno.exit(130);
  };
  const onInt = interrupted("SIGINT");
  const onTerm = interrupted("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  let meta;
  try {
    meta = await partitionDataset(dataset, {
      numPartitions: o.num_partitions,
      partitioner: o.partitioner,
      cacheRatio: o.cache_ratio,
      fanout: o.fanout,
      seed: o.seed,
      output,
      quiet,
      onTempDir: (path) => {
        tmp = path;
      },
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
  const t2 = performance.now();
  const summary: PartitionRunSummary = {
    dataset: dataset.name,
    output,
    partitioner: o.partitioner,
    numPartitions: o.num_partitions,
    numNodes: meta.dataset.numNodes,
    numEdges: meta.dataset.numEdges,
    edgeCutRatio: meta.edgeCutRatio,
    balance: meta.balance,
    ...(meta.links ? { links: meta.links } : {}),
    loadSeconds: (t1 - t0) / 1000,
    partitionSeconds: (t2 - t1) / 1000,
    peakRssBytes: peakRss(),
  };
  console.log(
    `${summary.dataset}: ${summary.numNodes} nodes, ${summary.numEdges} edges -> ` +
      `${o.num_partitions} partitions (${o.partitioner}) in ${output}; ` +
      `edge cut ${(100 * meta.edgeCutRatio).toFixed(1)}%, balance nodes ` +
      `${meta.balance.nodes.toFixed(3)} train ${meta.balance.train.toFixed(3)}` +
      (meta.links
        ? `; link edges ${meta.links.train} train (balance ${
          meta.balance.linkTrain!.toFixed(3)
        }) / ${meta.links.valid} valid / ${meta.links.test} test`
        : "") +
      "; " +
      `load ${summary.loadSeconds.toFixed(1)} s, partition ${
        summary.partitionSeconds.toFixed(1)
      } s, ` +
      `peak ${(summary.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
  );
  console.log(JSON.stringify(summary));
  return summary;
}

/**
 * Refuses, before any loading, an `--output` that would lose data or cannot
 * be written: anything but a partition directory or an empty one, a partition
 * directory without `--overwrite`, or a place where no directory can be made.
 */
async function checkOutput(output: string, overwrite: boolean): Promise<void> {
  const state = await outputDirState(output);
  if (state === "other") {
    throw new UsageError(
      `--output=${output} holds something that is not a webgnn partition directory; it is never replaced: choose another path`,
    );
  }
  if (state === "partition" && !overwrite) {
    throw new UsageError(
      `--output=${output} already holds a partition directory; pass --overwrite to replace it`,
    );
  }
  const trimmed = output.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  const parent = i < 0 ? "." : i === 0 ? "/" : trimmed.slice(0, i);
  try {
    await Deno.mkdir(parent, { recursive: true });
    await Deno.remove(await Deno.makeTempDir({ dir: parent, prefix: ".webgnn-write-check-" }));
  } catch (err) {
    const why = err instanceof Error
      ? err.message.split(":")[0]!.replace(/ \(os error \d+\)/, "").trim()
      : String(err);
    throw new UsageError(`--output=${output}: cannot write in ${parent} (${why})`);
  }
}

function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1) || "dataset";
}

function partitionerName(v: string): PartitionerName {
  if (!(PARTITIONERS as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(`expected one of ${PARTITIONERS.join(", ")}`);
  }
  return v as PartitionerName;
}

function ratio(v: string): number {
  const x = finiteNumber(v);
  if (!(x >= 0 && x <= 1)) {
    throw new InvalidArgumentError(`expected a number in [0, 1], got "${v}"`);
  }
  return x;
}

function positiveFanout(v: string): number[] {
  const f = parseFanout(v);
  if (f.some((x) => x < 1)) {
    throw new InvalidArgumentError(`expected positive integers such as 15,10,5, got "${v}"`);
  }
  return f;
}

/** Peak resident set size of this process (VmHWM), or the current RSS. */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Deno.memoryUsage().rss;
}

if (import.meta.main) {
  await runCommand("partition", async () => {
    await partitionCommand(Deno.args);
  });
}
