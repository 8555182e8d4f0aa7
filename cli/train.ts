// `deno task train`: GraphSAGE on one node, or on a cluster with --num_nodes > 1.
import { clusterSecret } from "./cluster_secret.ts";
import { runCommand } from "./run_command.ts";
import { spawnTrainers } from "./spawn_trainers.ts";
import { trainDistributed } from "./train_distributed.ts";
import { parseTrainFlags } from "./train_flags.ts";
import { trainSingleNode } from "./train_single_node.ts";

if (import.meta.main) {
  await runCommand("train", async () => {
    const flags = parseTrainFlags(Deno.args);
    for (const line of flags.unused) console.error(`webgnn train: warning: ${line}`);
    if (flags.numNodes === 1 && flags.numTrainingProcs === 1) {
      await trainSingleNode(flags);
    } else if (flags.localRank === undefined && flags.numTrainingProcs > 1) {
      await spawnTrainers(
        new URL(import.meta.url),
        Deno.args,
        flags.numTrainingProcs,
        flags.nodeRank,
        await clusterSecret(flags),
      );
    } else {
      await trainDistributed(flags, flags.localRank ?? 0);
    }
  });
}
