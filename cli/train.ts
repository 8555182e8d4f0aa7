// `deno task train`: GraphSAGE on one node, or on a cluster with --num_nodes > 1.
import { exitWithParent } from "./exit_with_parent.ts";
import { clusterSecret } from "./cluster_secret.ts";
import { runCommand } from "./run_command.ts";
import { spawnTrainers } from "./spawn_trainers.ts";
import { trainDistributed } from "./train_distributed.ts";
import { parseTrainFlags } from "./train_flags.ts";
import { trainSingleNode } from "./train_single_node.ts";

if (import.meta.main) {
  await runCommand("train", async (report) => {
    const flags = parseTrainFlags(Deno.args, Deno.env.toObject());
    // The first line says where the world came from (a node's trainers do not repeat it).
    const cluster = flags.origin.startsWith("world from the") || flags.numNodes > 1 ||
      flags.numTrainingProcs !== 1;
    if (cluster && (flags.rank !== undefined || flags.localRank === undefined)) {
      console.log(`webgnn: ${flags.origin}`);
    }
    const node = `node ${flags.nodeRank}`;
    exitWithParent(
      flags.localRank === undefined ? node : `${node} trainer ${flags.localRank}`,
      report,
    );
    for (const line of flags.unused) console.error(`webgnn train: warning: ${line}`);
    const procs = flags.numTrainingProcs;
    if (flags.rank === undefined ? flags.numNodes === 1 && procs === 1 : flags.worldSize === 1) {
      await trainSingleNode(flags);
    } else if (flags.localRank === undefined && procs !== undefined && procs > 1) {
      await spawnTrainers(
        new URL(import.meta.url),
        Deno.args,
        procs,
        flags.nodeRank,
        await clusterSecret(flags),
      );
    } else {
      await trainDistributed(flags, flags.localRank ?? 0, report);
    }
  }, "--fanout, --batch_size, --eval_batch_size or --hidden");
}
