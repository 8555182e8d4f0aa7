import { PARENT_PID_ENV } from "./exit_with_parent.ts";
import { ERROR_FILE_ENV } from "./run_command.ts";
import { supervise } from "./supervise.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Starts one trainer process per `--num_training_procs` on this node (the
 * same command with `--local_rank=k` added; `role` names them in errors) and
 * waits for all of them. When one fails, the others are stopped and the
 * error names the trainer and the reason it printed (each trainer also
 * writes its error line to a file of this node's, `WEBGNN_ERROR_FILE`, so
 * its stderr stays this one's terminal). Each trainer ends itself if this
 * process dies, however it dies (`exitWithParent`).
 * The cluster's `secret` goes to them in the `WEBGNN_SECRET` environment
 * variable, and `--secret` and `--secret_file` are left out of their
 * arguments: a command line is visible to every user of the machine.
 *
 * @example
 * ```ts ignore
 * import { spawnTrainers } from "./spawn_trainers.ts";
 * await spawnTrainers(new URL("./train.ts", import.meta.url), Deno.args, 2, 0, secret);
 * ```
 */
export async function spawnTrainers(
  script: URL,
  args: readonly string[],
  count: number,
  nodeRank: number,
  secret: Uint8Array,
  role = "trainer",
): Promise<void> {
  if (args.some((a) => a.startsWith("--local_rank"))) {
    throw new UsageError("--local_rank is set by the node for its trainers; do not pass it");
  }
  // Named by this process's pid: one left by a node killed with SIGKILL can be told apart.
  const errors = await Deno.makeTempDir({ prefix: `webgnn-node-${Deno.pid}-` });
  try {
    const children = Array.from({ length: count }, (_, k) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", script.href, ...withoutSecret(args), `--local_rank=${k}`],
        env: {
          WEBGNN_SECRET: new TextDecoder().decode(secret),
          [PARENT_PID_ENV]: String(Deno.pid),
          [ERROR_FILE_ENV]: `${errors}/${k}`,
        },
        stdin: "null",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn());
    const lastError = (k: number) => {
      try {
        return Deno.readTextFileSync(`${errors}/${k}`).trim().replace(/^webgnn [\w-]+: /, "");
      } catch {
        return undefined; // it printed none (killed)
      }
    };
    await supervise(children, children.map((_, k) => `node ${nodeRank} ${role} ${k}`), lastError);
  } finally {
    await Deno.remove(errors, { recursive: true }).catch(() => {});
  }
}

/** `args` without `--secret` and `--secret_file`, whether their values follow `=` or come next. */
function withoutSecret(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...out, ...args.slice(i)];
    const flag = /^--secret(?:_file)?(=|$)/.exec(a);
    if (!flag) out.push(a);
    else if (flag[1] === "") i++; // the value is the next argument
  }
  return out;
}
