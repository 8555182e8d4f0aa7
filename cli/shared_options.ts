import { type Command, Option } from "commander";
import {
  finiteNumber,
  nonNegativeInt,
  parseFanout,
  portRange,
  positiveInt,
  tcpPort,
  timeoutMs,
} from "./flags.ts";

/** The flags every training process has: model, optimizer, epoch loop and output. */
export interface TrainingOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly fanout: number[];
  /** `--edge_weight`: draw neighbours by edge weight (the dataset or partitions must have weights). */
  readonly edgeWeight: boolean;
  readonly hidden: number;
  readonly lr: number;
  readonly dropout: number;
  readonly device: "auto" | "webgpu" | "cpu";
  /** `--device=webgpu:N` (or `--visible_devices`): which WebGPU adapter (see `listWebGpuAdapters`). */
  readonly adapter: number | undefined;
  /** Threads of the CPU backend (default: all cores). */
  readonly cpuThreads: number | undefined;
  readonly seed: number;
  readonly evalEvery: number;
  readonly evalBatchSize: number;
  readonly prefetch: number;
  readonly metrics: string | undefined;
  readonly quiet: boolean;
}

/** The widest `--hidden`: one 65536 x 65536 layer already takes 16 GiB. */
const MAX_HIDDEN = 65_536;
/** The largest `--fanout` entry: far above any real degree (ogbn-products' largest is 17,500). */
const MAX_FANOUT = 100_000;

/**
 * `--peer_timeout_ms`'s default: 30 s. A healthy process answers a heartbeat
 * within milliseconds (a training step, a GC pause or a large message holds
 * its event loop for well under a second), so 30 s never fires by mistake,
 * while a stopped or cut-off peer is found in half the time of
 * `--rpc_timeout_ms`'s 60 s, even when no call is waiting on it; one tiny
 * frame each way every 6 s per connection costs nothing.
 */
export const DEFAULT_PEER_TIMEOUT_MS = 30_000;

/** The flags every process of a cluster has: where the coordinator is, where it listens, the secret. */
export interface ClusterOptions {
  readonly masterAddr: string;
  readonly masterPort: number;
  /** `--port_range=A-B`: where the ranks listen (default: after --master_port; see `rankPorts`). */
  readonly portRange: readonly [number, number] | undefined;
  /** Which of this node's processes this one is; undefined in the node's launching process. */
  readonly localRank: number | undefined;
  /**
   * The interface this node's RPC servers listen on; undefined: the address
   * this host uses to reach the master (see `nodeAddress`).
   */
  readonly nodeAddr: string | undefined;
  readonly secret: string | undefined;
  readonly secretFile: string | undefined;
  readonly rpcTimeoutMs: number;
  /** A peer silent this long (no heartbeat answered) is gone. */
  readonly peerTimeoutMs: number;
}

/**
 * Adds the training flags (GLT's distributed example's names and defaults)
 * to a command; `what` names the process in help texts ("trainer", "client").
 *
 * @example
 * ```ts
 * import { newProgram } from "./flags.ts";
 * import { addTrainingOptions, readTrainingOptions } from "./shared_options.ts";
 * const p = addTrainingOptions(newProgram("x", "x"), "trainer", "neighbours per hop");
 * p.parse(["--epochs=3"], { from: "user" });
 * console.log(readTrainingOptions(p).epochs); // 3
 * ```
 */
export function addTrainingOptions(p: Command, what: string, fanoutHelp: string): Command {
  return p
    .option("--epochs <n>", "training epochs", positiveInt, 10)
    .option("--batch_size <n>", "seeds per minibatch", positiveInt, 512)
    .option("--fanout <list>", fanoutHelp, parseFanout, [15, 10, 5])
    .option(
      "--edge_weight",
      "sample neighbours by edge weight, without replacement (GLT's with_weight); " +
        "the dataset or partition directory must have edge weights",
    )
    .option("--hidden <n>", "hidden channels", positiveInt, 256)
    .option("--lr <x>", "Adam learning rate", finiteNumber, 0.003)
    .option("--dropout <x>", "dropout between layers", finiteNumber, 0.5)
    .option(
      "--device <kind>",
      "auto, webgpu, webgpu:N (the machine's N-th adapter: Vulkan devices, then GL) or cpu",
      "auto",
    )
    .option("--cpu_threads <n>", "threads of the CPU backend (default: all cores)", positiveInt)
    .option("--seed <n>", "random seed", nonNegativeInt, 0)
    .option(
      "--eval_every <n>",
      "evaluate test accuracy every n epochs (0: only after the last)",
      nonNegativeInt,
      1,
    )
    .option("--eval_batch_size <n>", "seeds per evaluation minibatch", positiveInt, 2048)
    .option("--prefetch <n>", "minibatches prepared ahead of training", positiveInt, 2)
    .option(
      "--metrics <path>",
      `write one JSON line per epoch here ({rank} in the path: one file per ${what})`,
    )
    .option("--quiet", "no progress bars");
}

/**
 * Reads and checks the flags {@linkcode addTrainingOptions} added; a bad
 * value is a usage error through the command.
 *
 * @example
 * ```ts ignore
 * const training = readTrainingOptions(program);
 * ```
 */
export function readTrainingOptions(p: Command): TrainingOptions {
  const o = p.opts();
  if (!(o.dropout >= 0 && o.dropout < 1)) p.error(`--dropout must be in [0, 1), got ${o.dropout}`);
  if (!(o.lr > 0)) p.error(`--lr must be positive, got ${o.lr}`);
  // Beyond these, arrays no machine can hold: say so by flag, not "Invalid array buffer length".
  if (o.hidden > MAX_HIDDEN) {
    p.error(`--hidden must be at most ${MAX_HIDDEN} (a ${o.hidden}-wide layer cannot be held)`);
  }
  const wide = (o.fanout as number[]).find((f) => f > MAX_FANOUT);
  if (wide !== undefined) {
    p.error(
      `--fanout entries must be at most ${MAX_FANOUT} (more than any node's degree; ` +
        `${wide} neighbours per node cannot be held)`,
    );
  }
  const indexed = /^webgpu:(\d+)$/.exec(o.device);
  if (!indexed && !["auto", "webgpu", "cpu"].includes(o.device)) {
    p.error(`--device must be auto, webgpu, webgpu:N or cpu, got "${o.device}"`);
  }
  return {
    epochs: o.epochs,
    batchSize: o.batch_size,
    fanout: o.fanout,
    edgeWeight: o.edge_weight === true,
    hidden: o.hidden,
    lr: o.lr,
    dropout: o.dropout,
    device: indexed ? "webgpu" : o.device,
    adapter: indexed ? Number(indexed[1]) : undefined,
    cpuThreads: o.cpu_threads,
    seed: o.seed,
    evalEvery: o.eval_every,
    evalBatchSize: o.eval_batch_size,
    prefetch: o.prefetch,
    metrics: o.metrics,
    quiet: Boolean(o.quiet),
  };
}

/**
 * Adds the cluster flags to a command; `first` names the node that hosts the
 * coordinator ("node 0", "server node 0").
 *
 * @example
 * ```ts
 * import { newProgram } from "./flags.ts";
 * import { addClusterOptions } from "./shared_options.ts";
 * addClusterOptions(newProgram("x", "x"), "node 0");
 * ```
 */
export function addClusterOptions(p: Command, first: string): Command {
  return p
    .option("--master_addr <host>", `coordinator address (${first})`, "127.0.0.1")
    .option("--master_port <port>", "coordinator port", tcpPort, 11234)
    .option(
      "--port_range <A-B>",
      "ports the ranks listen on, two per rank (default: the ones after --master_port)",
      portRange,
    )
    .option(
      "--node_addr <host>",
      `address this node listens on (default: --master_addr on ${first} or on loopback, ` +
        "else the address this host uses to reach --master_addr)",
    )
    .addOption(
      new Option("--local_rank <k>", "process index within the node (set by the node)")
        .argParser(nonNegativeInt)
        .hideHelp(),
    )
    .option("--secret <text>", "shared secret of the cluster (or --secret_file, or WEBGNN_SECRET)")
    .option("--secret_file <path>", "file holding the shared secret")
    .option("--rpc_timeout_ms <ms>", "longest wait for any peer's answer", timeoutMs, 60_000)
    .option(
      "--peer_timeout_ms <ms>",
      "a peer that sends nothing this long (heartbeats every fifth of it) is stopped or cut off",
      timeoutMs,
      DEFAULT_PEER_TIMEOUT_MS,
    );
}

/**
 * Reads the flags {@linkcode addClusterOptions} added. The node that hosts
 * the coordinator (`isFirst`) listens on the master's address by default,
 * and so does every node when the coordinator is on loopback; any other node
 * without `--node_addr` listens on the address it uses to reach the master
 * (found at run time by `nodeAddress`). `master` is the master's address
 * when it came from elsewhere than `--master_addr` (the environment).
 *
 * @example
 * ```ts ignore
 * const cluster = readClusterOptions(program, rank === 0);
 * ```
 */
export function readClusterOptions(
  p: Command,
  isFirst: boolean,
  master: string = p.opts().master_addr,
): ClusterOptions {
  const o = p.opts();
  const loopback = master.startsWith("127.") || master === "localhost";
  return {
    masterAddr: master,
    masterPort: o.master_port,
    portRange: o.port_range,
    localRank: o.local_rank,
    nodeAddr: o.node_addr ?? (isFirst || loopback ? master : undefined),
    secret: o.secret,
    secretFile: o.secret_file,
    rpcTimeoutMs: o.rpc_timeout_ms,
    peerTimeoutMs: o.peer_timeout_ms,
  };
}

/** The checkpoint flags (of `train` and `client`), and the epoch count they are read with. */
export interface CheckpointFlags {
  readonly checkpointDir: string | undefined;
  readonly checkpointEvery: number;
  readonly checkpointKeep: number;
  readonly resume: boolean;
  readonly epochs: number;
}

/**
 * Adds the checkpoint flags to a command; `writer` names the process that
 * writes and reads them on a cluster ("node 0's first trainer", "client 0").
 *
 * @example
 * ```ts
 * import { newProgram } from "./flags.ts";
 * import { addCheckpointOptions } from "./shared_options.ts";
 * const p = addCheckpointOptions(newProgram("x", "x"), "client 0");
 * console.log(p.parse(["--resume"], { from: "user" }).opts().resume); // true
 * ```
 */
export function addCheckpointOptions(p: Command, writer: string): Command {
  return p
    .option(
      "--checkpoint_dir <dir>",
      `write checkpoints here (on a cluster ${writer} alone writes and reads them, on its disk)`,
    )
    .option(
      "--checkpoint_every <n>",
      "epochs between checkpoints (and after the last)",
      positiveInt,
      1,
    )
    .option("--checkpoint_keep <n>", "newest checkpoints kept", positiveInt, 3)
    .option("--resume", "continue from the newest usable checkpoint in --checkpoint_dir, if any");
}
