import { UsageError } from "./usage_error.ts";

/**
 * Checks, before any work starts, that `path` can be written: it is created
 * if missing (and removed again, so a run that fails leaves nothing behind),
 * or opened for writing if it exists. A path that cannot be written is a
 * usage error naming `flag`, instead of an operating-system error after the
 * dataset has loaded.
 *
 * @example
 * ```ts
 * import { checkWritable } from "./check_writable.ts";
 * checkWritable("--metrics", `${Deno.makeTempDirSync()}/m.jsonl`);
 * ```
 */
export function checkWritable(flag: string, path: string): void {
  let existed = true;
  try {
    Deno.statSync(path);
  } catch {
    existed = false;
  }
  try {
    Deno.openSync(path, { write: true, create: true }).close();
    if (!existed) Deno.removeSync(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "its directory does not exist"
      : err instanceof Error
      ? err.message.split(":")[0]!.replace(/ \(os error \d+\)/, "").trim()
      : String(err);
    throw new UsageError(`${flag}=${path}: cannot write there (${why})`);
  }
}
