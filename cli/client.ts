// `deno task client`: the training clients of server-client mode on this node.
import { runClient } from "./run_client.ts";
import { exitWithParent } from "./exit_with_parent.ts";
import { clusterSecret } from "./cluster_secret.ts";
import { runCommand } from "./run_command.ts";
import { parseServerClientFlags } from "./server_client_flags.ts";
import { spawnTrainers } from "./spawn_trainers.ts";

if (import.meta.main) {
  await runCommand("client", async (report) => {
    const flags = parseServerClientFlags("client", Deno.args, Deno.env.toObject());
    if (flags.origin.startsWith("world from the")) {
      console.log(`webgnn: ${flags.origin}`);
    }
    const node = `client node ${flags.nodeRank}`;
    exitWithParent(
      flags.localRank === undefined ? node : `${node} client ${flags.localRank}`,
      report,
    );
    if (flags.localRank === undefined && flags.numClientProcsPerNode > 1) {
      await spawnTrainers(
        new URL(import.meta.url),
        Deno.args,
        flags.numClientProcsPerNode,
        flags.nodeRank,
        await clusterSecret(flags),
        "client",
      );
    } else {
      await runClient(flags, flags.localRank ?? 0, report);
    }
  }, "--fanout, --batch_size, --eval_batch_size or --hidden");
}
