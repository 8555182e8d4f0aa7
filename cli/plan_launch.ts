import type { ClusterConfig, ClusterNode } from "./cluster_config.ts";
import type { LaunchFlags } from "./launch_flags.ts";
import { remoteTrainScript } from "./remote_train_script.ts";
import type { SshNode } from "./run_nodes_over_ssh.ts";
import { parseServerClientFlags } from "./server_client_flags.ts";
import { sshCommand } from "./ssh_command.ts";
import { parseTrainFlags } from "./train_flags.ts";

/** Stands in for the secret when each node's flags are checked before launching. */
const PLACEHOLDER_SECRET = "checked-before-launch";

/**
 * One node's ssh command, with what `--collect` needs to fetch its metrics.
 *
 * @example
 * ```ts
 * import { parseClusterConfig } from "./cluster_config.ts";
 * import { parseLaunchFlags } from "./launch_flags.ts";
 * import { type PlannedNode, planLaunch } from "./plan_launch.ts";
 * const config = parseClusterConfig("defaults: {working_dir: /w}\nnodes: [{host: a}]", "c.yml");
 * const [node]: PlannedNode[] = planLaunch(config, parseLaunchFlags(["--config=c.yml"]));
 * console.log(node?.task, node?.ranks); // train [0]
 * ```
 */
export interface PlannedNode extends SshNode {
  readonly node: ClusterNode;
  /** `train`, `server` or `client`. */
  readonly task: "train" | "server" | "client";
  /** The `{rank}` of each metrics file this node's processes write. */
  readonly ranks: readonly number[];
}

/**
 * The ssh command of every node of `config`. Collocated mode: `deno task
 * train` with `--num_nodes`, `--node_rank` (the node's position in the
 * file), `--master_addr` (default: node 0's `node_addr`), `--master_port`,
 * `--node_addr`, the partition directory and the node's trainers (its own
 * `num_training_procs` or `visible_devices`, else the flag, else the
 * default; nodes may differ). Server-client mode: `deno task server` on the
 * `role: server` nodes, listed first, and `deno task client` on the others,
 * each numbered within its role, with the counts both need; the master is
 * the first server. Then `--quiet` on every node but the one that prints
 * epochs, and `flags.trainArgs`. Every node's flags are checked here with
 * its command's own parser, so a mistyped flag is a usage error before
 * anything is started.
 *
 * @example
 * ```ts
 * import { parseClusterConfig } from "./cluster_config.ts";
 * import { parseLaunchFlags } from "./launch_flags.ts";
 * import { planLaunch } from "./plan_launch.ts";
 * const config = parseClusterConfig(
 *   "defaults: {working_dir: /opt/webgnn}\nnodes: [{host: 10.0.0.1}, {host: 10.0.0.2, num_training_procs: 2}]",
 *   "cluster.yml",
 * );
 * const nodes = planLaunch(config, parseLaunchFlags(["--config=cluster.yml", "--epochs=3"]));
 * console.log(nodes.map((n) => `${n.name}: ${n.ranks}`)); // ["node 0: 0", "node 1: 1,2"]
 * ```
 */
export function planLaunch(config: ClusterConfig, flags: LaunchFlags): PlannedNode[] {
  return config.mode === "server-client"
    ? planServerClient(config, flags)
    : planCollocated(config, flags);
}

function planCollocated(config: ClusterConfig, flags: LaunchFlags): PlannedNode[] {
  const masterAddr = flags.masterAddr ?? config.nodes[0]!.nodeAddr;
  let next = 0;
  return config.nodes.map((node) => {
    const procs = node.numTrainingProcs === config.numTrainingProcs
      ? flags.numTrainingProcs ?? node.numTrainingProcs
      : node.numTrainingProcs;
    const args = [
      `--num_nodes=${config.nodes.length}`,
      `--node_rank=${node.rank}`,
      ...common(node, flags, masterAddr),
      ...(node.visibleDevices !== undefined
        ? [`--visible_devices=${node.visibleDevices.join(",")}`]
        : procs === undefined
        ? []
        : [`--num_training_procs=${procs}`]),
      ...(node.rank === 0 ? [] : ["--quiet"]),
      ...flags.trainArgs,
    ];
    parseTrainFlags([...args, `--secret=${PLACEHOLDER_SECRET}`]);
    const ranks = Array.from({ length: procs ?? 1 }, (_, k) => next + k);
    next += ranks.length;
    return planned(node, `node ${node.rank}`, "train", args, ranks, flags);
  });
}

function planServerClient(config: ClusterConfig, flags: LaunchFlags): PlannedNode[] {
  const servers = config.nodes.filter((n) => n.role === "server");
  const clients = config.nodes.filter((n) => n.role === "client");
  const sp = config.numServerProcsPerNode;
  const cp = config.numClientProcsPerNode;
  const masterAddr = flags.masterAddr ?? servers[0]!.nodeAddr;
  const counts = [
    `--num_server_nodes=${servers.length}`,
    `--num_client_nodes=${clients.length}`,
    `--num_server_procs_per_node=${sp}`,
    `--num_client_procs_per_node=${cp}`,
    `--num_dataset_partitions=${servers.length * sp}`,
  ];
  const plan = (role: "server" | "client", nodes: ClusterNode[], procs: number) =>
    nodes.map((node, i) => {
      const args = [
        ...counts,
        `--node_rank=${i}`,
        ...common(node, flags, masterAddr),
        // Client 0 prints the epoch lines; servers print their own few.
        ...(role === "client" && i > 0 ? ["--quiet"] : []),
        ...flags.trainArgs,
      ];
      parseServerClientFlags(role, [...args, `--secret=${PLACEHOLDER_SECRET}`]);
      const ranks = Array.from({ length: procs }, (_, k) => i * procs + k);
      return planned(node, `${role} node ${i}`, role, args, ranks, flags);
    });
  return [...plan("server", servers, sp), ...plan("client", clients, cp)];
}

/** The flags every node gets: where the master is, where this node listens, its partitions. */
function common(node: ClusterNode, flags: LaunchFlags, masterAddr: string): string[] {
  const dataset = flags.datasetRootDir ?? node.datasetRootDir;
  return [
    `--master_addr=${masterAddr}`,
    `--master_port=${flags.masterPort}`,
    `--node_addr=${node.nodeAddr}`,
    ...(dataset === undefined ? [] : [`--dataset_root_dir=${dataset}`]),
  ];
}

function planned(
  node: ClusterNode,
  name: string,
  task: PlannedNode["task"],
  args: string[],
  ranks: number[],
  flags: LaunchFlags,
): PlannedNode {
  const user = node.user === undefined ? "" : `${node.user}@`;
  const port = node.port === undefined ? "" : `:${node.port}`;
  return {
    name,
    destination: `${user}${node.host}${port}`,
    argv: sshCommand(node, remoteTrainScript(node, args, task), {
      connectTimeoutS: flags.connectTimeoutS,
    }),
    node,
    task,
    ranks,
  };
}
