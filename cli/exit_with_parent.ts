import type { ReportError } from "./run_command.ts";

/** The environment variable through which a node tells the processes it starts its pid. */
export const PARENT_PID_ENV = "WEBGNN_PARENT_PID";
/** How often a started process checks that its node process is still there. */
const CHECK_MS = 250;

/**
 * In a process started by a node (`spawnTrainers` sets `WEBGNN_PARENT_PID`),
 * ends this process, exit code 1, within a quarter of a second of the node
 * process's death, however it died (SIGKILL included: the kernel then gives
 * this process another parent, which is what is checked). `role` names this
 * process in the line it prints (`report`). Elsewhere it does nothing.
 * Returns a function that stops watching.
 *
 * @example
 * ```ts ignore
 * import { exitWithParent } from "./exit_with_parent.ts";
 * const stop = exitWithParent("node 0 trainer 1", report);
 * ```
 */
export function exitWithParent(role: string, report: ReportError): () => void {
  const text = Deno.env.get(PARENT_PID_ENV);
  if (text === undefined) return () => {};
  const parent = Number(text);
  const check = () => {
    if (Deno.ppid === parent) return;
    report(new Error(`${role}: the node process that started it (pid ${parent}) is gone`));
    Deno.exit(1);
  };
  check();
  const timer = setInterval(check, CHECK_MS);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
