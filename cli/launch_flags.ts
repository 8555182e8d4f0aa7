import { newProgram, nonNegativeInt, positiveInt, tcpPort } from "./flags.ts";
import { UsageError } from "./usage_error.ts";

/** The flags of `deno task launch`, parsed; train's flags are kept in `trainArgs`. */
export interface LaunchFlags {
  /** The YAML cluster file. */
  readonly config: string;
  /** The coordinator's address; default: node 0's `node_addr`. */
  readonly masterAddr: string | undefined;
  readonly masterPort: number;
  /** Replaces the cluster file's `defaults.dataset_root_dir`. */
  readonly datasetRootDir: string | undefined;
  /** Replaces the cluster file's `defaults.num_training_procs`. */
  readonly numTrainingProcs: number | undefined;
  readonly connectTimeoutS: number;
  /** Stop every node after this many seconds; 0: no limit. */
  readonly timeoutS: number;
  readonly dryRun: boolean;
  /** Where the nodes' metrics files are copied on exit (`--collect`); needs train's `--metrics`. */
  readonly collect: string | undefined;
  /** Train's `--metrics` path, found among the flags passed on. */
  readonly metrics: string | undefined;
  /** Every other flag, in order, for `deno task train` on each node. */
  readonly trainArgs: readonly string[];
}

/** Train flags that launch sets itself for each node. */
const SET_BY_LAUNCH = [
  "num_nodes",
  "node_rank",
  "node_addr",
  "local_rank",
  "secret",
  "secret_file",
];

/**
 * Parses `deno task launch`'s flags. Flags launch does not know are kept,
 * in order, to be passed to `deno task train` on every node; the ones launch
 * sets for each node (`--num_nodes`, `--node_rank`, `--node_addr`,
 * `--secret`...) are a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { parseLaunchFlags } from "./launch_flags.ts";
 * const f = parseLaunchFlags(["--config=cluster.yml", "--epochs=10", "--master_port=11234"]);
 * console.log(f.trainArgs); // ["--epochs=10"]
 * ```
 */
export function parseLaunchFlags(args: readonly string[]): LaunchFlags {
  const p = newProgram(
    "launch",
    "start deno task train on every node of a YAML cluster file over ssh; other flags go to train",
  )
    .requiredOption("--config <file>", "the YAML cluster file")
    .option("--master_addr <host>", "coordinator address (default: node 0's node_addr)")
    .option("--master_port <port>", "coordinator port", tcpPort, 11234)
    .option("--dataset_root_dir <dir>", "partition directory on the nodes (overrides defaults)")
    .option("--num_training_procs <n>", "trainers per node (overrides defaults)", positiveInt)
    .option("--connect_timeout_s <s>", "longest wait for an ssh connection", positiveInt, 10)
    .option("--timeout_s <s>", "stop every node after this long (0: no limit)", nonNegativeInt, 0)
    .option("--dry_run", "print each node's ssh command instead of running it")
    .option(
      "--collect <dir>",
      "on exit, copy every node's --metrics files here over ssh (server-client: servers' as server-*)",
    )
    .allowUnknownOption()
    .allowExcessArguments(true)
    .parse([...args], { from: "user" });
  const o = p.opts();
  for (const arg of p.args) {
    const name = /^--([a-z_]+)/.exec(arg)?.[1];
    if (name !== undefined && SET_BY_LAUNCH.includes(name)) {
      throw new UsageError(
        `--${name} is set by launch for each node (a fresh secret is generated); do not pass it`,
      );
    }
  }
  const metrics = metricsFlag(p.args);
  if (o.collect !== undefined && metrics === undefined) {
    throw new UsageError("--collect copies the nodes' --metrics files: give --metrics too");
  }
  return {
    collect: o.collect,
    metrics,
    config: o.config,
    masterAddr: o.master_addr,
    masterPort: o.master_port,
    datasetRootDir: o.dataset_root_dir,
    numTrainingProcs: o.num_training_procs,
    connectTimeoutS: o.connect_timeout_s,
    timeoutS: o.timeout_s,
    dryRun: Boolean(o.dry_run),
    trainArgs: p.args,
  };
}

/** The value of the last `--metrics=PATH` (or `--metrics PATH`) among train's flags. */
function metricsFlag(args: readonly string[]): string | undefined {
  let found: string | undefined;
  args.forEach((a, i) => {
    if (a.startsWith("--metrics=")) found = a.slice("--metrics=".length);
    else if (a === "--metrics") found = args[i + 1];
  });
  return found;
}
