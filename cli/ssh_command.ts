import type { ClusterNode } from "./cluster_config.ts";
import { shellQuote } from "./shell_quote.ts";

/** How ssh is run for every node. */
export interface SshSettings {
  /** Longest wait for a node's ssh connection, in seconds. */
  readonly connectTimeoutS: number;
  /** The ssh client; default `ssh`. */
  readonly ssh?: string;
}

/**
 * The argument vector (`[program, ...args]`) that runs `script` on `node`
 * with the system's ssh client: no password prompts (`BatchMode=yes`), a
 * connect timeout, keep-alives so a dead host is noticed within a minute,
 * no terminal (stdin carries the secret; a terminal would echo it), and the
 * script run by bash whatever the node's login shell is.
 *
 * @example
 * ```ts
 * import { parseClusterConfig } from "./cluster_config.ts";
 * import { sshCommand } from "./ssh_command.ts";
 * const node = parseClusterConfig("nodes: [{host: h, working_dir: /w, port: 2222}]", "c.yml").nodes[0]!;
 * console.log(sshCommand(node, "true", { connectTimeoutS: 10 }).slice(-2)); // ["h", "exec bash -c true"]
 * ```
 */
export function sshCommand(node: ClusterNode, script: string, settings: SshSettings): string[] {
  const args = [
    settings.ssh ?? "ssh",
    "-T",
    "-o",
    "BatchMode=yes",
    "-o",
    `ConnectTimeout=${settings.connectTimeoutS}`,
    "-o",
    "ServerAliveInterval=15",
    "-o",
    "ServerAliveCountMax=4",
  ];
  if (node.sshConfigFile !== undefined) args.push("-F", node.sshConfigFile);
  if (node.identityFile !== undefined) {
    args.push("-i", node.identityFile, "-o", "IdentitiesOnly=yes");
  }
  if (node.port !== undefined) args.push("-p", String(node.port));
  if (node.user !== undefined) args.push("-l", node.user);
  for (const option of node.sshOptions) args.push("-o", option);
  args.push("--", node.host, `exec bash -c ${shellQuote(script)}`);
  return args;
}
