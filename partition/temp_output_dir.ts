/**
 * Makes the hidden temporary directory a partition directory is written to
 * before it replaces `output`: `.NAME.tmp-PID-XXXX` beside it, PID being this
 * process's. Temporary directories of the same output left by a process
 * that no longer runs (killed mid-write, even by SIGKILL) are removed first,
 * so an interrupted run never leaves them behind for long. Where the process
 * table cannot be read (no `/proc`), none is removed.
 *
 * @example
 * ```ts
 * import { makeTempOutputDir } from "./temp_output_dir.ts";
 * const parent = await Deno.makeTempDir();
 * const tmp = await makeTempOutputDir(parent, "p2");
 * console.assert(tmp.includes(`/.p2.tmp-${Deno.pid}-`));
 * await Deno.remove(parent, { recursive: true });
 * ```
 */
export async function makeTempOutputDir(parent: string, name: string): Promise<string> {
  const prefix = `.${name}.tmp-`;
  for await (const entry of Deno.readDir(parent)) {
    if (!entry.name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(entry.name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid !== Deno.pid && !(await running(pid))) {
      await Deno.remove(`${parent}/${entry.name}`, { recursive: true }).catch(() => {});
    }
  }
  return await Deno.makeTempDir({ dir: parent, prefix: `${prefix}${Deno.pid}-` });
}

/** Whether process `pid` runs; true where that cannot be told. */
async function running(pid: number): Promise<boolean> {
  try {
    await Deno.stat("/proc/self");
  } catch {
    return true; // no process table to read: keep everything
  }
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
