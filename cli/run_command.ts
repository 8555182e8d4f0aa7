import { UsageError } from "./usage_error.ts";

/**
 * Where a process started by a node also writes the line of the error that
 * ended it, so that the node can name the reason (`spawnTrainers`).
 */
export const ERROR_FILE_ENV = "WEBGNN_ERROR_FILE";

/**
 * Prints the error that ends a run, at once, as the one line
 * {@linkcode runCommand} would print at the end: a process that must clean
 * up first (close connections, stop a Worker) says why it is ending before
 * it starts, so a clean-up that hangs never hides the reason.
 */
export type ReportError = (error: unknown) => void;

/**
 * Runs a command's main function and turns any failure into one line on
 * stderr and a non-zero exit: 2 for a usage mistake, 1 for anything else.
 * `WEBGNN_DEBUG=1` prints the stack as well. `main` may report the error
 * earlier (`report`); it is then not printed again. An allocation that
 * failed (sizes no memory holds) names the flags that set the sizes, when
 * `sizeFlags` lists them.
 *
 * @example
 * ```ts ignore
 * import { runCommand } from "./run_command.ts";
 * await runCommand("train", async (report) => {});
 * ```
 */
export async function runCommand(
  name: string,
  main: (report: ReportError) => Promise<void>,
  sizeFlags?: string,
): Promise<void> {
  let reported: unknown = undefined;
  let printed = false;
  const report: ReportError = (err) => {
    if (printed && reported === err) return;
    reported = err;
    printed = true;
    const e = err instanceof Error ? err : new Error(String(err));
    const tooBig = e instanceof RangeError && sizeFlags !== undefined &&
      /Invalid array buffer length|Array buffer allocation failed|Invalid typed array length/
        .test(e.message);
    const hint = tooBig ? `: the sizes asked do not fit in memory (lower ${sizeFlags})` : "";
    const line = `webgnn ${name}: ${e.message.split("\n")[0]}${hint}`;
    console.error(line);
    try {
      const file = Deno.env.get(ERROR_FILE_ENV);
      if (file) Deno.writeTextFileSync(file, line + "\n");
    } catch {
      // Not allowed to read the environment (a command run with few permissions),
      // or the node that asked for it is gone.
    }
    if (Deno.env.get("WEBGNN_DEBUG")) console.error(e.stack);
  };
  try {
    await main(report);
  } catch (err) {
    report(err);
    Deno.exit(err instanceof UsageError ? 2 : 1);
  }
}
