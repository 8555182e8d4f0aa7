import type { Command } from "commander";
import { UsageError } from "./usage_error.ts";
import { type EnvWorld, type FromEnv, worldFromEnv } from "./world_from_env.ts";

/**
 * Where a training process sits in the world, from its flags or its cluster manager's environment.
 *
 * @example
 * ```ts
 * import type { Placement } from "./place_process.ts";
 * const placement: Placement = {
 *   origin: "world from flags: node 1 of 2, 2 process(es) on this node, coordinator at 10.0.0.1:11234",
 *   numNodes: 2, nodeRank: 1, masterAddr: "10.0.0.1", masterPort: 11234,
 *   numTrainingProcs: 2, localRank: undefined, rank: undefined, worldSize: undefined,
 * };
 * ```
 */
export interface Placement {
  /** The run's first line: where the world came from, value by value. */
  readonly origin: string;
  readonly numNodes: number;
  readonly nodeRank: number;
  readonly masterAddr: string;
  readonly masterPort: number;
  /** Trainers on this node; undefined when only the census will tell (one task per trainer). */
  readonly numTrainingProcs: number | undefined;
  /** This trainer's index on its node; undefined in a node process that starts its trainers. */
  readonly localRank: number | undefined;
  /** This trainer's rank and the number of trainers, when the environment gives them. */
  readonly rank: number | undefined;
  readonly worldSize: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The flags of a command that say how many nodes and processes per node it has. */
export interface CountFlags {
  /** `num_nodes`, or `num_server_nodes` / `num_client_nodes`. */
  readonly numNodes: string;
  /** `num_training_procs`, or `num_server_procs_per_node` / `num_client_procs_per_node`. */
  readonly procs: string;
}

const TRAIN_COUNTS: CountFlags = { numNodes: "num_nodes", procs: "num_training_procs" };

/**
 * Places a `train` process: from its flags alone, or, when a cluster
 * manager's environment is set (see `worldFromEnv`), from it with the flags
 * filling only what it leaves open. A flag that contradicts the environment
 * is a {@link UsageError} naming both. With a rank in the environment
 * (torchrun-style, Slurm) every task is one trainer; a Kubernetes pod is a
 * node, which starts `--num_training_procs` trainers itself.
 *
 * @example
 * ```ts ignore
 * const placement = placeProcess(program, Deno.env.toObject());
 * console.log(placement.origin);
 * ```
 */
export function placeProcess(p: Command, env: Env, counts: CountFlags = TRAIN_COUNTS): Placement {
  const o = p.opts();
  const flags = {
    numNodes: counts.numNodes,
    nodeRank: "node_rank",
    masterAddr: "master_addr",
    masterPort: "master_port",
    localCount: counts.procs,
    localRank: "local_rank",
  } as const;
  const given = (flag: string) => p.getOptionValueSource(flag) === "cli";
  const world = worldFromEnv(env);
  if (world === null) {
    return {
      origin: `world from flags: node ${o.node_rank} of ${o[counts.numNodes]}` +
        `${o.local_rank === undefined ? "" : ` process ${o.local_rank}`}, ` +
        `${
          o[counts.procs]
        } process(es) on this node, coordinator at ${o.master_addr}:${o.master_port}`,
      numNodes: o[counts.numNodes],
      nodeRank: o.node_rank,
      masterAddr: o.master_addr,
      masterPort: o.master_port,
      numTrainingProcs: o[counts.procs],
      localRank: o.local_rank,
      rank: undefined,
      worldSize: undefined,
    };
  }
  for (const [field, flag] of Object.entries(flags)) {
    const fromEnv = world[field as keyof typeof flags];
    if (fromEnv !== undefined && given(flag) && String(o[flag]) !== String(fromEnv.value)) {
      throw new UsageError(
        `--${flag}=${o[flag]} contradicts ${fromEnv.from} (${world.kind} environment): ` +
          "drop the flag or fix the environment",
      );
    }
  }
  const parts: string[] = [];
  const pick = <T>(label: string, fromEnv: FromEnv<T> | undefined, flag: string): T => {
    if (fromEnv !== undefined) {
      parts.push(`${label}=${fromEnv.value} (${fromEnv.from})`);
      return fromEnv.value;
    }
    parts.push(`${label}=${o[flag]} (--${flag}${given(flag) ? "" : " default"})`);
    return o[flag];
  };
  const perTask = world.rank !== undefined;
  const rank = world.rank?.value;
  const worldSize = world.worldSize?.value;
  if (perTask) {
    parts.push(
      `rank=${rank} (${world.rank!.from})`,
      `world=${worldSize} (${world.worldSize!.from})`,
    );
  }
  need(world, "nodeRank", "node_rank", given);
  const nodeRank = pick("node", world.nodeRank, "node_rank");
  const numNodes = pick("nodes", world.numNodes, counts.numNodes);
  let localRank: number | undefined = o.local_rank;
  let procs: number | undefined = o[counts.procs];
  if (perTask) {
    need(world, "localRank", "local_rank", given);
    localRank = pick("local_rank", world.localRank, "local_rank");
    procs = world.localCount?.value ?? (given(counts.procs) ? procs : undefined);
    if (procs !== undefined) parts.push(`on_this_node=${procs}`);
  } else {
    procs = pick("on_this_node", world.localCount, counts.procs);
  }
  if (world.masterAddr === undefined && !given("master_addr") && numNodes > 1) {
    throw new UsageError(
      `the ${world.kind} environment names no master: set MASTER_ADDR or give --master_addr`,
    );
  }
  const masterAddr = pick("master", world.masterAddr, "master_addr");
  const masterPort = pick("port", world.masterPort, "master_port");
  if (nodeRank >= numNodes) {
    throw new UsageError(
      `node rank ${nodeRank} must be below ${numNodes} nodes (${parts.join(", ")})`,
    );
  }
  return {
    origin: `world from the ${world.kind} environment: ${parts.join(", ")}`,
    numNodes,
    nodeRank,
    masterAddr,
    masterPort,
    numTrainingProcs: procs,
    localRank,
    rank,
    worldSize,
  };
}

/** The environment must say `field` or the flag must be given. */
function need(
  world: EnvWorld,
  field: "nodeRank" | "localRank",
  flag: string,
  given: (flag: string) => boolean,
): void {
  if (world[field] === undefined && !given(flag)) {
    throw new UsageError(
      `the ${world.kind} environment does not say this process's ${
        field === "nodeRank"
          ? "node rank (NODE_RANK, GROUP_RANK, SLURM_NODEID)"
          : "index on its node (LOCAL_RANK, SLURM_LOCALID)"
      }: set it or give --${flag}`,
    );
  }
}
