/**
 * Points `XDG_RUNTIME_DIR` at a private directory when it is unset or not a
 * usable one, before the first WebGPU adapter is requested. Mesa's drivers
 * look for a display server there and, finding no valid directory, print
 * `error: XDG_RUNTIME_DIR is invalid or not set in the environment.` twice per
 * process (a process started over ssh or by a job scheduler has none). We
 * never talk to a display server, so an empty directory of our own, mode 0700
 * as the variable's specification asks, is all they need. A valid directory
 * the user set is kept; without permission to read or set the environment
 * nothing changes. Returns the directory in use, if any.
 *
 * @example
 * ```ts
 * import { ensureRuntimeDir } from "./ensure_runtime_dir.ts";
 * const dir = ensureRuntimeDir();
 * console.log(dir === undefined || Deno.statSync(dir).isDirectory); // true
 * ```
 */
export function ensureRuntimeDir(): string | undefined {
  try {
    const current = Deno.env.get(VAR);
    if (current !== undefined && usable(current)) return current;
    const uid = Deno.uid() ?? 0;
    const tmp = Deno.env.get("TMPDIR") || "/tmp";
    let dir = `${tmp}/webgnn-runtime-${uid}`;
    try {
      Deno.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
    // Someone else's directory at that name: take a fresh one instead.
    if (!usable(dir)) dir = Deno.makeTempDirSync({ prefix: "webgnn-runtime-" });
    Deno.env.set(VAR, dir);
    return dir;
  } catch {
    return undefined; // no --allow-env or --allow-write: Mesa may complain, nothing else changes
  }
}

const VAR = "XDG_RUNTIME_DIR";

/** A directory owned by this user that no one else may enter. */
function usable(dir: string): boolean {
  try {
    const info = Deno.statSync(dir);
    const uid = Deno.uid();
    return info.isDirectory && (uid === null || info.uid === uid) &&
      ((info.mode ?? 0o700) & 0o077) === 0;
  } catch {
    return false;
  }
}
