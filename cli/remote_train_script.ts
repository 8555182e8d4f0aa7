import type { ClusterNode } from "./cluster_config.ts";
import { shellQuote } from "./shell_quote.ts";

/** Seconds the remote side waits for the secret on its stdin. */
const SECRET_WAIT_S = 30;
/** Tenths of a second between SIGTERM and SIGKILL when a node is stopped. */
const STOP_GRACE_TENTHS = 50;

/**
 * The bash script `deno task launch` runs on a node over ssh, with `args`
 * appended to `deno task <task>` (`train`, or `server` or `client` in
 * server-client mode). It
 *
 * 1. reads the cluster's secret from its first stdin line into the
 *    `WEBGNN_SECRET` environment variable (a builtin `read`: the secret is
 *    never on any command line),
 * 2. checks the working directory and deno, failing with exit code 2 or 127
 *    and a line naming the node,
 * 3. starts the training in a session of its own (`setsid`), and
 * 4. waits for whichever ends first: the training, or its stdin (the ssh
 *    channel: the launcher closed it, or the connection dropped). When stdin
 *    ends first, it stops the training's whole process group (SIGTERM, then
 *    SIGKILL after 5 s) and exits 143, so nothing lingers on the node. Any
 *    stragglers in the group are stopped when the training ends too.
 *
 * @example
 * ```ts
 * import { parseClusterConfig } from "./cluster_config.ts";
 * import { remoteTrainScript } from "./remote_train_script.ts";
 * const node = parseClusterConfig("nodes: [{host: h, working_dir: /opt/webgnn}]", "c.yml").nodes[0]!;
 * console.assert(remoteTrainScript(node, ["--epochs=1"]).includes("task train --epochs=1"));
 * ```
 */
export function remoteTrainScript(
  node: ClusterNode,
  args: readonly string[],
  task: "train" | "server" | "client" = "train",
): string {
  const dir = shellQuote(node.workingDir);
  const deno = shellQuote(node.deno);
  const fail = (what: string, code: number) =>
    `{ echo ${
      shellQuote(`webgnn launch: node ${node.rank}: ${what}`)
    }" on $(hostname)" >&2; exit ${code}; }`;
  return [
    "set -u",
    `IFS= read -r -t ${SECRET_WAIT_S} WEBGNN_SECRET || ${fail("no secret arrived on stdin", 2)}`,
    "export WEBGNN_SECRET",
    "exec 3<&0 </dev/null",
    `cd -- ${dir} 2>/dev/null || ${fail(`no working directory ${node.workingDir}`, 2)}`,
    `[ -f deno.json ] || ${
      fail(`${node.workingDir} holds no deno.json (not a webgnn checkout)`, 2)
    }`,
    `command -v -- ${deno} >/dev/null || ${
      fail(`${node.deno} not found (set deno: in the cluster file)`, 127)
    }`,
    `setsid ${deno} task --quiet ${task} ${args.map(shellQuote).join(" ")} </dev/null &`,
    "job=$!",
    // A background job's stdin is /dev/null unless redirected explicitly.
    "cat <&3 >/dev/null 3<&- &",
    "watch=$!",
    'wait -n "$job" "$watch"',
    "status=$?",
    // cat ends only at the end of stdin: if it is still running, the training ended.
    'if kill -0 "$watch" 2>/dev/null; then',
    '  kill "$watch" 2>/dev/null',
    '  kill -TERM -- "-$job" 2>/dev/null',
    '  exit "$status"',
    "fi",
    'kill -TERM -- "-$job" 2>/dev/null',
    `for _ in $(seq ${STOP_GRACE_TENTHS}); do kill -0 -- "-$job" 2>/dev/null || break; sleep 0.1; done`,
    'kill -KILL -- "-$job" 2>/dev/null',
    "exit 143",
  ].join("\n");
}
