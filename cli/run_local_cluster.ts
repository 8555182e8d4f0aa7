import { PARENT_PID_ENV } from "./exit_with_parent.ts";
import { supervise } from "./supervise.ts";

/**
 * Starts `numNodes` `train` processes on this machine, node `r` listening on
 * loopback address `127.0.0.(r + 1)`, as if each were its own host; node 0
 * also hosts the coordinator. Node 0's output is shown, the others' only on
 * error. Resolves when every node has finished; when one fails, the others
 * are stopped and the error names the node. The nodes end if this process
 * dies.
 *
 * The nodes share this machine's cores, so unless `args` has `--cpu_threads`,
 * each node's CPU backend gets an equal share of them instead of all of
 * them: with every node using every core, their worker threads preempt each
 * other and the partition servers.
 *
 * @example
 * ```ts ignore
 * import { runLocalCluster } from "./run_local_cluster.ts";
 * await runLocalCluster(2, ["--dataset_root_dir=out/p2", "--epochs=1"], { WEBGNN_SECRET: "..." });
 * ```
 */
export async function runLocalCluster(
  numNodes: number,
  args: readonly string[],
  env: Record<string, string>,
): Promise<void> {
  const script = new URL("./train.ts", import.meta.url).href;
  const port = freePort();
  const master = "127.0.0.1";
  const threads = args.some((a) => a.startsWith("--cpu_threads"))
    ? []
    : [`--cpu_threads=${Math.max(1, Math.floor(navigator.hardwareConcurrency / numNodes))}`];
  const children = Array.from({ length: numNodes }, (_, r) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        script,
        `--num_nodes=${numNodes}`,
        `--node_rank=${r}`,
        `--master_addr=${master}`,
        `--master_port=${port}`,
        `--node_addr=127.0.0.${r + 1}`,
        ...threads,
        ...args,
        ...(r === 0 ? [] : ["--quiet"]),
      ],
      env: { ...env, [PARENT_PID_ENV]: String(Deno.pid) },
      stdin: "null",
      stdout: r === 0 ? "inherit" : "null",
      stderr: "inherit",
    }).spawn());
  await supervise(children, children.map((_, r) => `node ${r}`));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
