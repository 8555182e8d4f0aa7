import { UsageError } from "./usage_error.ts";

/**
 * Runs a command's main function and turns any failure into one line on
 * stderr and a non-zero exit: 2 for a usage mistake, 1 for anything else.
 * `WEBGNN_DEBUG=1` prints the stack as well.
 *
 * @example
 * ```ts ignore
 * import { runCommand } from "./run_command.ts";
 * await runCommand("train", async () => {});
 * ```
 */
export async function runCommand(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    console.error(`webgnn ${name}: ${e.message.split("\n")[0]}`);
    if (Deno.env.get("WEBGNN_DEBUG")) console.error(e.stack);
    Deno.exit(e instanceof UsageError ? 2 : 1);
  }
}
