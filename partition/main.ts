import { Command, CommanderError, InvalidArgumentError } from "commander";
import type { NodeDataset } from "../engine/dataset.ts";
import { loadOgbDataset } from "./ogb_loader.ts";
import { OgbFormatError } from "./ogb_format_error.ts";
import { partitionDataset, type PartitionerName } from "./partition_dataset.ts";
import { PartitionFormatError } from "./partition_format_error.ts";
import { generateSynthetic } from "./synthetic.ts";

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
  readonly balance: { readonly nodes: number; readonly train: number };
  readonly loadSeconds: number;
  readonly partitionSeconds: number;
  readonly peakRssBytes: number;
}

/**
 * The `partition` command: loads a dataset (the built-in synthetic
 * products-like graph or an OGB raw directory), partitions it and writes the
 * partition directory. Flags: `--dataset=synthetic|NAME`,
 * `--dataset_root_dir=DIR` (alias `--root`, default `data/NAME`),
 * `--scale=F` (synthetic only), `--num_partitions=N`,
 * `--partitioner=random|frequency|locality`, `--cache_ratio=F`,
 * `--fanout=15,10,5`, `--output=DIR`, `--seed=N`, `--quiet`. Prints a
 * human summary and, last, one JSON line ({@linkcode PartitionRunSummary}).
 * Returns the exit code: 0 on success, 2 for bad flags, 1 for data errors,
 * with a one-line message on stderr and no stack trace.
 *
 * @example
 * ```ts ignore
 * import { runPartitionCli } from "./main.ts";
 * const code = await runPartitionCli([
 *   "--dataset=synthetic", "--scale=0.001", "--num_partitions=2", "--output=out/p2",
 * ]);
 * ```
 */
export async function runPartitionCli(args: string[]): Promise<number> {
  const program = new Command("partition")
    .description("Partition a graph dataset for distributed GraphSAGE training")
    .option("--dataset <name>", "synthetic, or an OGB dataset name", "synthetic")
    .option("--dataset_root_dir <dir>", "OGB dataset directory (raw/ and split/)")
    .option("--root <dir>", "alias of --dataset_root_dir")
    .option("--scale <f>", "synthetic graph size, fraction of full", fraction, 1)
    .option("--num_partitions <n>", "number of partitions", positiveInt, 2)
    .option(
      "--partitioner <name>",
      "random | frequency | locality",
      (v: string) => {
        if (!(PARTITIONERS as readonly string[]).includes(v)) {
          throw new InvalidArgumentError(`expected one of ${PARTITIONERS.join(", ")}.`);
        }
        return v;
      },
      "locality",
    )
    .option("--cache_ratio <f>", "hot-feature cache size per partition", ratio, 0.2)
    .option("--fanout <list>", "sampling fan-out per hop", fanoutList, [15, 10, 5])
    .option("--output <dir>", "output directory (replaced)")
    .option("--seed <n>", "random seed", nonNegativeInt, 0)
    .option("--quiet", "no progress bar")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => console.log(s.trimEnd()),
      writeErr: () => {},
    })
    .allowExcessArguments(false);
  try {
    program.parse(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help
      console.error(e.message.startsWith("error:") ? e.message : `error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const o = program.opts<{
    dataset: string;
    dataset_root_dir?: string;
    root?: string;
    scale: number;
    num_partitions: number;
    partitioner: PartitionerName;
    cache_ratio: number;
    fanout: number[];
    output?: string;
    seed: number;
    quiet?: boolean;
  }>();
  const quiet = o.quiet === true;
  const output = o.output ??
    `data/${o.dataset}-${o.partitioner}-${o.num_partitions}`;
  try {
    const t0 = performance.now();
    let dataset: NodeDataset;
    if (o.dataset === "synthetic") {
      dataset = generateSynthetic({ scale: o.scale, seed: o.seed, quiet });
    } else {
      const root = o.dataset_root_dir ?? o.root ?? `data/${o.dataset}`;
      dataset = await loadOgbDataset(root, { name: o.dataset, quiet });
    }
    const t1 = performance.now();
    const meta = await partitionDataset(dataset, {
      numPartitions: o.num_partitions,
      partitioner: o.partitioner,
      cacheRatio: o.cache_ratio,
      fanout: o.fanout,
      seed: o.seed,
      output,
      quiet,
    });
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
      loadSeconds: (t1 - t0) / 1000,
      partitionSeconds: (t2 - t1) / 1000,
      peakRssBytes: peakRss(),
    };
    console.log(
      `${summary.dataset}: ${summary.numNodes} nodes, ${summary.numEdges} edges -> ` +
        `${o.num_partitions} partitions (${o.partitioner}) in ${output}; ` +
        `edge cut ${(100 * meta.edgeCutRatio).toFixed(1)}%, balance nodes ` +
        `${meta.balance.nodes.toFixed(3)} train ${meta.balance.train.toFixed(3)}; ` +
        `load ${summary.loadSeconds.toFixed(1)} s, partition ` +
        `${summary.partitionSeconds.toFixed(1)} s, peak ` +
        `${(summary.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
    );
    console.log(JSON.stringify(summary));
    return 0;
  } catch (e) {
    if (
      e instanceof OgbFormatError || e instanceof PartitionFormatError ||
      e instanceof RangeError || e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.PermissionDenied
    ) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function fraction(v: string): number {
  const x = Number(v);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError("expected a number in (0, 1].");
  return x;
}

function ratio(v: string): number {
  const x = Number(v);
  if (!(x >= 0 && x <= 1)) throw new InvalidArgumentError("expected a number in [0, 1].");
  return x;
}

function positiveInt(v: string): number {
  const x = Number(v);
  if (!(Number.isInteger(x) && x >= 1)) {
    throw new InvalidArgumentError("expected a positive integer.");
  }
  return x;
}

function nonNegativeInt(v: string): number {
  const x = Number(v);
  if (!(Number.isInteger(x) && x >= 0)) {
    throw new InvalidArgumentError("expected a non-negative integer.");
  }
  return x;
}

function fanoutList(v: string): number[] {
  const parts = v.split(",").map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((x) => !(Number.isInteger(x) && x >= 1))) {
    throw new InvalidArgumentError("expected positive integers separated by commas, e.g. 15,10,5.");
  }
  return parts;
}

/** Peak resident set size of this process (VmHWM), or the current RSS. */
function peakRss(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Deno.memoryUsage().rss;
}

if (import.meta.main) {
  Deno.exit(await runPartitionCli(Deno.args));
}
