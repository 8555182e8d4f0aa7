import type { PlannedNode } from "./plan_launch.ts";
import { metricsPathFor } from "./run_training.ts";
import { shellQuote } from "./shell_quote.ts";
import { sshCommand } from "./ssh_command.ts";

/**
 * Copies the metrics files the nodes wrote (`metrics`, train's `--metrics`
 * path with its `{rank}`, relative to each node's working directory) into
 * `dir` on this machine over the nodes' ssh, by file name (`server-` before
 * a sampling server's). A file a node did not write (it failed first) is
 * reported on stderr, not an error. Resolves with the paths written.
 *
 * @example
 * ```ts ignore
 * import { collectMetrics } from "./collect_metrics.ts";
 * await collectMetrics(plannedNodes, "m{rank}.jsonl", "results", { connectTimeoutS: 10 });
 * ```
 */
export async function collectMetrics(
  nodes: readonly PlannedNode[],
  metrics: string,
  dir: string,
  settings: { readonly connectTimeoutS: number },
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const written: string[] = [];
  await Promise.all(nodes.map(async (n) => {
    for (const rank of n.ranks) {
      const path = metricsPathFor(metrics, rank);
      if (path === undefined) continue;
      const script = `cd -- ${shellQuote(n.node.workingDir)} && cat -- ${shellQuote(path)}`;
      const argv = sshCommand(n.node, script, settings);
      const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stdin: "null" })
        .output();
      if (!out.success) {
        const why = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
        console.error(`webgnn launch: ${n.name}: could not copy ${path}: ${why}`);
        continue;
      }
      const name = path.split("/").at(-1)!;
      const local = `${dir}/${n.task === "server" ? "server-" : ""}${name}`;
      await Deno.writeFile(local, out.stdout);
      written.push(local);
    }
  }));
  return written.sort();
}
