// `deno task launch`: start `deno task train` (or, in server-client mode,
// `server` then `client`) on every node of a YAML cluster file over ssh, with
// a fresh shared secret, supervise them, and with --collect copy their
// metrics files back.
import { generateSecret } from "../dist/rpc/generate_secret.ts";
import { collectMetrics } from "./collect_metrics.ts";
import { parseClusterConfig } from "./cluster_config.ts";
import { ClusterConfigError } from "./cluster_config_error.ts";
import { parseLaunchFlags } from "./launch_flags.ts";
import { planLaunch } from "./plan_launch.ts";
import { runCommand } from "./run_command.ts";
import { runNodesOverSsh } from "./run_nodes_over_ssh.ts";
import { shellQuote } from "./shell_quote.ts";

/** How long a node has to stop after its stdin closes before its ssh is killed. */
const STOP_GRACE_MS = 10_000;

if (import.meta.main) {
  await runCommand("launch", async () => {
    const flags = parseLaunchFlags(Deno.args);
    let text: string;
    try {
      text = await Deno.readTextFile(flags.config);
    } catch (err) {
      throw new ClusterConfigError(
        `${flags.config}: cannot read the cluster file: ${(err as Error).message}`,
      );
    }
    const nodes = planLaunch(parseClusterConfig(text, flags.config), flags);
    if (flags.dryRun) {
      for (const n of nodes) {
        console.log(`# ${n.name} (${n.destination}); the secret is written to its stdin`);
        console.log(n.argv.map(shellQuote).join(" "));
      }
      return;
    }
    try {
      await runNodesOverSsh(nodes, generateSecret(), {
        timeoutMs: flags.timeoutS * 1000,
        stopGraceMs: STOP_GRACE_MS,
      });
    } finally {
      if (flags.collect !== undefined && flags.metrics !== undefined) {
        const files = await collectMetrics(nodes, flags.metrics, flags.collect, flags);
        console.log(`webgnn launch: copied ${files.length} metrics files into ${flags.collect}`);
      }
    }
  });
}
