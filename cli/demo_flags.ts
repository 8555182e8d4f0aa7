import { finiteNumber, newProgram, positiveInt } from "./flags.ts";
import { parseTrainFlags } from "./train_flags.ts";
import { UsageError } from "./usage_error.ts";

/** The flags of `deno task demo`, parsed; train's flags are kept in `trainArgs`. */
export interface DemoFlags {
  /** Size of the synthetic graph as a fraction of ogbn-products. */
  readonly scale: number;
  /** GraphSAGE's epochs; the MLP beside it trains four times as many. */
  readonly epochs: number;
  /** Every other flag, in order, for the two GraphSAGE nodes' `deno task train`. */
  readonly trainArgs: readonly string[];
}

/** Train flags the demo sets itself for its two nodes. */
const SET_BY_DEMO = [
  "num_nodes",
  "node_rank",
  "node_addr",
  "master_addr",
  "master_port",
  "dataset",
  "dataset_root_dir",
  "metrics",
];

/**
 * Parses `deno task demo`'s flags: the graph's `--scale`, the `--epochs`,
 * and train flags for its two nodes (`--batch_size=256`...). `--help` prints
 * the usage and exits 0; a flag the demo sets itself, or one train would
 * refuse, is a {@linkcode UsageError} before anything is generated.
 *
 * @example
 * ```ts
 * import { parseDemoFlags } from "./demo_flags.ts";
 * const f = parseDemoFlags(["--scale=0.002", "--epochs=1", "--fanout=5,5"]);
 * console.log(f.scale, f.epochs, f.trainArgs); // 0.002 1 ["--fanout=5,5"]
 * ```
 */
export function parseDemoFlags(args: readonly string[]): DemoFlags {
  const p = newProgram(
    "demo",
    "generate a synthetic products-like graph, partition it in two, train GraphSAGE on two " +
      "nodes on loopback addresses and compare it with an MLP; other flags go to train",
  )
    .option(
      "--scale <x>",
      "synthetic graph size as a fraction of ogbn-products",
      finiteNumber,
      0.01,
    )
    .option(
      "--epochs <n>",
      "GraphSAGE's epochs; the MLP trains 4x as many",
      positiveInt,
      10,
    )
    .allowUnknownOption()
    .allowExcessArguments(true)
    .parse([...args], { from: "user" });
  const o = p.opts();
  if (!(o.scale > 0 && o.scale <= 1)) {
    throw new UsageError(`--scale must be in (0, 1], got ${o.scale}`);
  }
  for (const arg of p.args) {
    const name = /^--([a-z_]+)/.exec(arg)?.[1];
    if (name === undefined) {
      throw new UsageError(`unexpected argument '${arg}' (flags are --name=value)`);
    }
    if (SET_BY_DEMO.includes(name)) {
      throw new UsageError(`--${name} is set by the demo for its two nodes; do not pass it`);
    }
  }
  // A misspelt or bad train flag fails now, not after the graph is made.
  parseTrainFlags(["--num_nodes=2", "--node_rank=0", "--dataset_root_dir=.", ...p.args]);
  return { scale: o.scale, epochs: o.epochs, trainArgs: p.args };
}
