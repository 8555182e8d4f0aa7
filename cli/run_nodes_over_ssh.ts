import { forEachLine } from "./for_each_line.ts";
import { NodeFailedError } from "./node_failed_error.ts";

/** One node's ssh process to run. */
export interface SshNode {
  /** How the node is named in output and errors, e.g. `node 1`. */
  readonly name: string;
  /** Also shown in errors, e.g. `alice@10.0.0.2`. */
  readonly destination: string;
  /** `[program, ...args]`, from `sshCommand`. */
  readonly argv: readonly string[];
}

/** Limits of a run. */
export interface RunNodesOptions {
  /** Stop every node after this long; 0: no limit. */
  readonly timeoutMs: number;
  /** After stdin is closed, how long a node has to stop before its ssh is killed. */
  readonly stopGraceMs: number;
}

const encoder = new TextEncoder();

/**
 * Runs one ssh process per node, writes `secret` as the first line of each
 * one's stdin (the remote script reads it; it is on no command line), and
 * prints every line the nodes write prefixed with `[node r]` (stdout to
 * stdout, stderr to stderr). Resolves when every node has succeeded.
 *
 * When a node fails, or the timeout passes, or this process gets SIGINT or
 * SIGTERM, every other node is stopped: its stdin is closed, which makes the
 * remote script stop its training's process group; an ssh still running
 * `stopGraceMs` later gets SIGTERM, and SIGKILL 2 s after that. Then it
 * throws a {@linkcode NodeFailedError} naming the first node to fail, its
 * status and the last error line a webgnn command wrote there (`webgnn train:
 * ...`, not a library's later complaint; else its last stderr line), or
 * `Deno.errors.TimedOut`, or `Deno.errors.Interrupted`.
 *
 * @example
 * ```ts ignore
 * import { runNodesOverSsh } from "./run_nodes_over_ssh.ts";
 * await runNodesOverSsh([{ name: "node 0", destination: "h", argv: ["ssh", "h", "true"] }], "s", {
 *   timeoutMs: 0,
 *   stopGraceMs: 10_000,
 * });
 * ```
 */
export async function runNodesOverSsh(
  nodes: readonly SshNode[],
  secret: string,
  options: RunNodesOptions,
): Promise<void> {
  const procs = nodes.map((n) =>
    new Deno.Command(n.argv[0]!, {
      args: n.argv.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn()
  );
  const stdins = procs.map((p) => p.stdin.getWriter());
  const exited = nodes.map(() => false);
  const lastError: (string | undefined)[] = nodes.map(() => undefined);
  const lastOwnError: (string | undefined)[] = nodes.map(() => undefined);
  const timers: ReturnType<typeof setTimeout>[] = [];
  let failed: { index: number; status: number } | undefined;
  let stopReason: Error | undefined;
  let stopping = false;

  const closeStdin = (i: number) => stdins[i]!.close().catch(() => {});
  const signalAll = (signal: Deno.Signal) => {
    procs.forEach((p, i) => {
      if (exited[i]) return;
      try {
        p.kill(signal);
      } catch {
        // it has just exited
      }
    });
  };
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    nodes.forEach((_, i) => closeStdin(i));
    timers.push(setTimeout(() => {
      signalAll("SIGTERM");
      timers.push(setTimeout(() => signalAll("SIGKILL"), 2000));
    }, options.stopGraceMs));
  };
  const stopFor = (reason: Error) => {
    if (stopping) return;
    stopReason = reason;
    stopAll();
  };
  const onSignal = () => stopFor(new Deno.errors.Interrupted("interrupted: stopped every node"));
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  if (options.timeoutMs > 0) {
    timers.push(setTimeout(() =>
      stopFor(
        new Deno.errors.TimedOut(
          `nodes still running after ${options.timeoutMs / 1000} s: stopped every node`,
        ),
      ), options.timeoutMs));
  }

  try {
    await Promise.all(stdins.map((w) => w.write(encoder.encode(`${secret}\n`)).catch(() => {})));
    await Promise.all([
      ...procs.flatMap((p, i) => [
        forEachLine(p.stdout, (line) => console.log(`[${nodes[i]!.name}] ${line}`)),
        forEachLine(p.stderr, (line) => {
          console.error(`[${nodes[i]!.name}] ${line}`);
          // The reason a node died is our own last error line ("webgnn train: ..."),
          // not what a library (Mesa, OpenSSH) printed after it; any line if it has none.
          const text = line.trim();
          if (/^webgnn [\w-]+: /.test(text)) lastOwnError[i] = text;
          else if (text !== "") lastError[i] = text;
        }),
      ]),
      ...procs.map((p, i) =>
        p.status.then((s) => {
          exited[i] = true;
          closeStdin(i);
          if (!s.success && !stopping) {
            failed = { index: i, status: s.code };
            stopAll();
          }
        })
      ),
    ]);
  } finally {
    for (const t of timers) clearTimeout(t);
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  if (failed !== undefined) {
    const n = nodes[failed.index]!;
    throw new NodeFailedError(
      `${n.name} (${n.destination})`,
      failed.status,
      lastOwnError[failed.index] ?? lastError[failed.index],
    );
  }
  if (stopReason !== undefined) throw stopReason;
}
