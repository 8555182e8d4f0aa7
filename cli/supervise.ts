/**
 * Waits for child processes; when one fails, stops the others and throws an
 * error naming the first to fail (`names[i]` is child `i`'s name).
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
): Promise<void> {
  const stopAll = () => {
    for (const c of children) {
      try {
        c.kill("SIGTERM");
      } catch {
        // already exited
      }
    }
  };
  const onSignal = () => stopAll();
  Deno.addSignalListener("SIGINT", onSignal);
  let first: Error | undefined;
  try {
    await Promise.all(children.map((c, i) =>
      c.status.then((s) => {
        if (!s.success && !first) {
          first = new Error(`${names[i]} exited with code ${s.code}`);
          stopAll();
        }
      })
    ));
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  if (first) throw first;
}
