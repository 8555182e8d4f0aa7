import type { ClusterConfig } from "./cluster_config.ts";
import type { LaunchFlags } from "./launch_flags.ts";
import { remoteTrainScript } from "./remote_train_script.ts";
import type { SshNode } from "./run_nodes_over_ssh.ts";
import { sshCommand } from "./ssh_command.ts";
import { parseTrainFlags } from "./train_flags.ts";

/** Stands in for the secret when train's flags are checked before launching. */
const PLACEHOLDER_SECRET = "checked-before-launch";

/**
 * The ssh command of every node of `config`: `deno task train` with
 * `--num_nodes`, `--node_rank` (the node's position in the file),
 * `--master_addr` (default: node 0's `node_addr`), `--master_port`,
 * `--node_addr`, the partition directory and trainers per node (flags
 * first, then the cluster file), `--quiet` on every node but 0, and then
 * `flags.trainArgs`. Each node's train flags are checked here with train's own
 * parser, so a mistyped flag is a usage error before anything is started.
 *
 * @example
 * ```ts
 * import { parseClusterConfig } from "./cluster_config.ts";
 * import { parseLaunchFlags } from "./launch_flags.ts";
 * import { planLaunch } from "./plan_launch.ts";
 * const config = parseClusterConfig(
 *   "defaults: {working_dir: /opt/webgnn}\nnodes: [{host: 10.0.0.1}, {host: 10.0.0.2}]",
 *   "cluster.yml",
 * );
 * const nodes = planLaunch(config, parseLaunchFlags(["--config=cluster.yml", "--epochs=3"]));
 * console.log(nodes.map((n) => n.name)); // ["node 0", "node 1"]
 * ```
 */
export function planLaunch(config: ClusterConfig, flags: LaunchFlags): SshNode[] {
  const numNodes = config.nodes.length;
  const masterAddr = flags.masterAddr ?? config.nodes[0]!.nodeAddr;
  const procs = flags.numTrainingProcs ?? config.numTrainingProcs;
  return config.nodes.map((node) => {
    const dataset = flags.datasetRootDir ?? node.datasetRootDir;
    const args = [
      `--num_nodes=${numNodes}`,
      `--node_rank=${node.rank}`,
      `--master_addr=${masterAddr}`,
      `--master_port=${flags.masterPort}`,
      `--node_addr=${node.nodeAddr}`,
      ...(dataset === undefined ? [] : [`--dataset_root_dir=${dataset}`]),
      ...(procs === undefined ? [] : [`--num_training_procs=${procs}`]),
      ...(node.rank === 0 ? [] : ["--quiet"]),
      ...flags.trainArgs,
    ];
    parseTrainFlags([...args, `--secret=${PLACEHOLDER_SECRET}`]);
    const user = node.user === undefined ? "" : `${node.user}@`;
    const port = node.port === undefined ? "" : `:${node.port}`;
    return {
      name: `node ${node.rank}`,
      destination: `${user}${node.host}${port}`,
      argv: sshCommand(node, remoteTrainScript(node, args), {
        connectTimeoutS: flags.connectTimeoutS,
      }),
    };
  });
}
