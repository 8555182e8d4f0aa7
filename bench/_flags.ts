// `deno task bench`'s flags, parsed as the other commands' are: `--help`
// prints them, a misspelt or bad one is one line naming it (exit code 2).
import { InvalidArgumentError } from "commander";
import { finiteNumber, newProgram, parseFanout, positiveInt } from "../cli/flags.ts";
import { UsageError } from "../cli/usage_error.ts";

/** The sections `--only` can name, in the order they run. */
export const BENCH_SECTIONS = ["kernels", "data_path", "dense"] as const;
/** One of {@link BENCH_SECTIONS}. */
export type BenchSection = typeof BENCH_SECTIONS[number];

/** What `deno task bench` measures, and how much. */
export interface BenchFlags {
  readonly scale: number;
  readonly batch: number;
  readonly batches: number;
  readonly fanout: number;
  readonly gatherIds: number;
  readonly denseRows: number;
  readonly copyMib: number;
  readonly rounds: number;
  /** Seeds per minibatch of the data-path rows. */
  readonly minibatch: number;
  /** The data-path rows' fan-out per hop, first hop first. */
  readonly fanouts: number[];
  /** Minibatches per data-path round. */
  readonly minibatches: number;
  readonly webgpu: boolean;
  /** The sections to run (default: all). */
  readonly only: readonly BenchSection[];
  readonly json: string | undefined;
  /** With a directory: also measure a training step on WebGPU and write bench.json and bench.md there. */
  readonly report: string | undefined;
  /** Seeds of the report's training step (default: 32 on a software adapter, else 1024). */
  readonly stepBatch: number | undefined;
}

/** Parses `deno task bench`'s flags; `--help` prints them and exits 0. */
export function parseBenchFlags(args: readonly string[]): BenchFlags {
  const p = newProgram(
    "bench",
    "measure sampling, gather and the dense products on the CPU backend (and WebGPU) beside " +
      "plain baselines; print one table and, with --json, write the figures",
  )
    .option(
      "--scale <x>",
      "synthetic graph size as a fraction of ogbn-products (0.0817: 200k nodes; 1: full size)",
      finiteNumber,
      0.0817,
    )
    .option("--batch <n>", "seeds per sampling batch", positiveInt, 4096)
    .option("--batches <n>", "sampling batches per round", positiveInt, 8)
    .option("--fanout <n>", "neighbours sampled per seed", positiveInt, 15)
    .option("--gather_ids <n>", "rows gathered per round", positiveInt, 100000)
    .option("--dense_rows <n>", "destination rows of the dense products", positiveInt, 4096)
    .option("--copy_mib <n>", "MiB copied to measure the copy bandwidth", positiveInt, 256)
    .option(
      "--rounds <n>",
      "timed rounds of each case (the table shows the median)",
      positiveInt,
      5,
    )
    .option("--minibatch <n>", "seeds per minibatch of the data-path rows", positiveInt, 1024)
    .option("--fanouts <list>", "fan-out per hop of the data-path rows", parseFanout, [15, 10, 5])
    .option("--minibatches <n>", "minibatches per data-path round", positiveInt, 8)
    .option("--no-webgpu", "leave the WebGPU backend out")
    .option(
      "--only <list>",
      `run only these sections, comma-separated: ${BENCH_SECTIONS.join(", ")} (default: all)`,
      parseSections,
    )
    .option("--json <path>", "also write the figures as JSON")
    .option(
      "--report <dir>",
      "also measure a training step on WebGPU beside the CPU backend (phases, kernels, round " +
        "trips, a WGSL-against-CPU check, the adapter) and write DIR/bench.json and DIR/bench.md",
    )
    .option("--step_batch <n>", "seeds of the report's training step", positiveInt)
    .parse([...args], { from: "user" });
  const o = p.opts();
  if (!(o.scale > 0 && o.scale <= 1)) {
    throw new UsageError(`--scale must be in (0, 1], got ${o.scale}`);
  }
  if (o.report !== undefined && !o.webgpu) {
    throw new UsageError("--report measures WebGPU: it cannot go with --no-webgpu");
  }
  return {
    scale: o.scale,
    batch: o.batch,
    batches: o.batches,
    fanout: o.fanout,
    gatherIds: o.gather_ids,
    denseRows: o.dense_rows,
    copyMib: o.copy_mib,
    rounds: o.rounds,
    minibatch: o.minibatch,
    fanouts: o.fanouts,
    minibatches: o.minibatches,
    webgpu: o.webgpu,
    only: o.only ?? [...BENCH_SECTIONS],
    json: o.json,
    report: o.report,
    stepBatch: o.step_batch,
  };
}

function parseSections(text: string): BenchSection[] {
  const names = text.split(",").map((s) => s.trim());
  const bad = names.find((n) => !(BENCH_SECTIONS as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0) {
    throw new InvalidArgumentError(
      `expected sections among ${BENCH_SECTIONS.join(", ")}, got "${bad ?? text}"`,
    );
  }
  return BENCH_SECTIONS.filter((n) => names.includes(n));
}
