/** How long a child has to exit after SIGTERM before it gets SIGKILL. */
const KILL_AFTER_MS = 5_000;

/**
 * Waits for child processes; when one fails, stops the others (SIGTERM, then
 * SIGKILL if they linger) and throws an error naming the first to fail
 * (`names[i]` is child `i`'s name), how it ended, and the reason it gave
 * (`lastError(i)`, when there is one). SIGINT or SIGTERM to this process
 * stops the children too, so none is orphaned.
 *
 * @example
 * ```ts ignore
 * import { supervise } from "./supervise.ts";
 * await supervise([child], ["node 1"]);
 * ```
 */
export async function supervise(
  children: readonly Deno.ChildProcess[],
  names: readonly string[],
  lastError: (i: number) => string | undefined = () => undefined,
): Promise<void> {
  const signal = (sig: Deno.Signal) => {
    for (const c of children) {
      try {
        c.kill(sig);
      } catch {
        // already exited
      }
    }
  };
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stopAll = () => {
    signal("SIGTERM");
    signal("SIGCONT"); // a stopped child then ends at once instead of at the SIGKILL
    killTimer ??= setTimeout(() => signal("SIGKILL"), KILL_AFTER_MS);
  };
  const onSignal = () => stopAll();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  let failed: { index: number; status: Deno.CommandStatus } | undefined;
  try {
    await Promise.all(children.map((c, i) =>
      c.status.then((status) => {
        if (!status.success && failed === undefined) {
          failed = { index: i, status };
          stopAll();
        }
      })
    ));
  } finally {
    clearTimeout(killTimer);
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  if (failed) {
    const { index, status } = failed;
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with code ${status.code}`;
    const why = lastError(index);
    throw new Error(`${names[index]} ${how}${why ? `: ${why}` : ""}`);
  }
}
