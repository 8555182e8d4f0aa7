import { expandNodelist } from "./expand_nodelist.ts";
import { UsageError } from "./usage_error.ts";

/**
 * A value read from the environment, with the variable (or expression) it came from.
 *
 * @example
 * ```ts
 * import type { FromEnv } from "./world_from_env.ts";
 * const nodeRank: FromEnv<number> = { value: 1, from: "SLURM_NODEID=1" };
 * ```
 */
export interface FromEnv<T> {
  readonly value: T;
  /** e.g. `SLURM_NODEID=1`, or `first host of SLURM_JOB_NODELIST=n[1-2]`. */
  readonly from: string;
}

/**
 * What a cluster manager's environment says about this process's place in
 * the world; each field is absent when the environment does not say it.
 *
 * @example
 * ```ts
 * import type { EnvWorld } from "./world_from_env.ts";
 * const pod: EnvWorld = { kind: "Kubernetes indexed job", nodeRank: { value: 0, from: "JOB_COMPLETION_INDEX=0" } };
 * ```
 */
export interface EnvWorld {
  /** `torchrun-style`, `Slurm` or `Kubernetes indexed job`. */
  readonly kind: string;
  readonly numNodes?: FromEnv<number>;
  readonly nodeRank?: FromEnv<number>;
  readonly masterAddr?: FromEnv<string>;
  readonly masterPort?: FromEnv<number>;
  /** One task per trainer (torchrun, srun): this task's rank, index on its node, and counts. */
  readonly rank?: FromEnv<number>;
  readonly worldSize?: FromEnv<number>;
  readonly localRank?: FromEnv<number>;
  readonly localCount?: FromEnv<number>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the world from a cluster manager's environment: torchrun-style
 * (`RANK` and `WORLD_SIZE` set: `MASTER_ADDR`, `MASTER_PORT`, `LOCAL_RANK`,
 * `LOCAL_WORLD_SIZE`, `NODE_RANK` or `GROUP_RANK`, `GROUP_WORLD_SIZE` or
 * `NNODES`), a Slurm task (`SLURM_PROCID` set: its step's or job's node
 * list, whose first host is the master, node and task counts and ids), or a
 * Kubernetes indexed job's pod (`JOB_COMPLETION_INDEX` is the node rank;
 * `MASTER_ADDR`, `MASTER_PORT` and `NNODES` if the manifest sets them).
 * Null when none is set. A malformed value is a {@link UsageError} naming
 * the variable.
 *
 * @example
 * ```ts
 * import { worldFromEnv } from "./world_from_env.ts";
 * const w = worldFromEnv({
 *   SLURM_PROCID: "3", SLURM_NTASKS: "4", SLURM_NNODES: "2", SLURM_NODEID: "1",
 *   SLURM_LOCALID: "1", SLURM_TASKS_PER_NODE: "2(x2)", SLURM_JOB_NODELIST: "gpu[07-08]",
 * });
 * console.log(w?.masterAddr?.value, w?.rank?.value, w?.localCount?.value); // gpu07 3 2
 * ```
 */
export function worldFromEnv(env: Env): EnvWorld | null {
  if (env.RANK !== undefined && env.WORLD_SIZE !== undefined) return torchrunWorld(env);
  if (env.SLURM_PROCID !== undefined) return slurmWorld(env);
  if (env.JOB_COMPLETION_INDEX !== undefined) return kubernetesWorld(env);
  return null;
}

function int(env: Env, name: string, min = 0): FromEnv<number> | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(
      `${name}="${text}" in the environment is not ${
        min > 0 ? "a positive" : "a non-negative"
      } integer`,
    );
  }
  return { value: Number(text), from: `${name}=${text.trim()}` };
}

function str(env: Env, name: string): FromEnv<string> | undefined {
  const text = env[name]?.trim();
  return text ? { value: text, from: `${name}=${text}` } : undefined;
}

/** Drops the absent fields, so that the result has only what the environment said. */
function present(world: Record<string, unknown>): EnvWorld {
  return Object.fromEntries(
    Object.entries(world).filter(([, v]) => v !== undefined),
  ) as unknown as EnvWorld;
}

function torchrunWorld(env: Env): EnvWorld {
  const rank = int(env, "RANK")!;
  const worldSize = int(env, "WORLD_SIZE", 1)!;
  const localRank = int(env, "LOCAL_RANK");
  const localCount = int(env, "LOCAL_WORLD_SIZE", 1);
  let nodeRank = int(env, "NODE_RANK") ?? int(env, "GROUP_RANK");
  let numNodes = int(env, "GROUP_WORLD_SIZE", 1) ?? int(env, "NNODES", 1);
  if (localCount && worldSize.value % localCount.value === 0) {
    // Every node runs LOCAL_WORLD_SIZE tasks, ranks node by node, as torchrun places them.
    const per = localCount.value;
    numNodes ??= { value: worldSize.value / per, from: `${worldSize.from} / ${localCount.from}` };
    nodeRank ??= { value: Math.floor(rank.value / per), from: `${rank.from} / ${localCount.from}` };
  }
  return present({
    kind: "torchrun-style",
    numNodes,
    nodeRank,
    masterAddr: str(env, "MASTER_ADDR"),
    masterPort: int(env, "MASTER_PORT", 1),
    rank,
    worldSize,
    localRank,
    localCount,
  });
}

function slurmWorld(env: Env): EnvWorld {
  const nodelistName = env.SLURM_STEP_NODELIST ? "SLURM_STEP_NODELIST" : "SLURM_JOB_NODELIST";
  const nodelist = env[nodelistName];
  const first = nodelist ? expandNodelist(nodelist, nodelistName)[0] : undefined;
  const nodeRank = int(env, "SLURM_NODEID");
  const perNodeName = ["SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"]
    .find((name) => env[name]);
  let localCount = int(env, "SLURM_NTASKS_PER_NODE", 1);
  if (perNodeName && nodeRank) {
    const counts = expandTasksPerNode(env[perNodeName]!, perNodeName);
    const here = counts[nodeRank.value];
    if (here !== undefined) {
      localCount = {
        value: here,
        from: `${perNodeName}=${env[perNodeName]} at node ${nodeRank.value}`,
      };
    }
  }
  return present({
    kind: "Slurm",
    numNodes: int(env, "SLURM_STEP_NUM_NODES", 1) ?? int(env, "SLURM_NNODES", 1),
    nodeRank,
    masterAddr: str(env, "MASTER_ADDR") ??
      (first ? { value: first, from: `first host of ${nodelistName}=${nodelist}` } : undefined),
    masterPort: int(env, "MASTER_PORT", 1),
    rank: int(env, "SLURM_PROCID"),
    worldSize: int(env, "SLURM_STEP_NUM_TASKS", 1) ?? int(env, "SLURM_NTASKS", 1),
    localRank: int(env, "SLURM_LOCALID"),
    localCount,
  });
}

/** `2(x3),1` -> `[2, 2, 2, 1]`: Slurm's tasks per node, in node order. */
function expandTasksPerNode(text: string, name: string): number[] {
  const counts: number[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*(\d+)(?:\(x(\d+)\))?\s*$/.exec(part);
    if (!m) throw new UsageError(`${name}="${text}" is not a Slurm task count such as 2(x3),1`);
    for (let i = 0; i < Number(m[2] ?? 1); i++) counts.push(Number(m[1]));
  }
  return counts;
}

function kubernetesWorld(env: Env): EnvWorld {
  return present({
    kind: "Kubernetes indexed job",
    nodeRank: int(env, "JOB_COMPLETION_INDEX"),
    numNodes: int(env, "NNODES", 1),
    masterAddr: str(env, "MASTER_ADDR"),
    masterPort: int(env, "MASTER_PORT", 1),
  });
}
