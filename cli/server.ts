// `deno task server`: the sampling servers of server-client mode on this node.
import { exitWithParent } from "./exit_with_parent.ts";
import { clusterSecret } from "./cluster_secret.ts";
import { runCommand } from "./run_command.ts";
import { runServer } from "./run_server.ts";
import { parseServerClientFlags } from "./server_client_flags.ts";
import { spawnTrainers } from "./spawn_trainers.ts";

if (import.meta.main) {
  await runCommand("server", async (report) => {
    const flags = parseServerClientFlags("server", Deno.args, Deno.env.toObject());
    if (flags.origin.startsWith("world from the")) {
      console.log(`webgnn: ${flags.origin}`);
    }
    const node = `server node ${flags.nodeRank}`;
    exitWithParent(
      flags.localRank === undefined ? node : `${node} server ${flags.localRank}`,
      report,
    );
    if (flags.localRank === undefined && flags.numServerProcsPerNode > 1) {
      await spawnTrainers(
        new URL(import.meta.url),
        Deno.args,
        flags.numServerProcsPerNode,
        flags.nodeRank,
        await clusterSecret(flags),
        "server",
      );
    } else {
      await runServer(flags, flags.localRank ?? 0, report);
    }
  }, "--fanout, --batch_size, --eval_batch_size or --hidden");
}
