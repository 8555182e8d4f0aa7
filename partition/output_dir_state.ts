/**
 * What a partition command's `--output` path holds now.
 *
 * @example
 * ```ts
 * import { type OutputDirState, outputDirState } from "./output_dir_state.ts";
 * const state: OutputDirState = await outputDirState(`${await Deno.makeTempDir()}/new`);
 * console.assert(state === "absent");
 * ```
 */
export type OutputDirState =
  /** Nothing: it will be created. */
  | "absent"
  /** An empty directory. */
  | "empty"
  /** A webgnn partition directory (a `meta.json` of format `webgnn-partition`). */
  | "partition"
  /** Anything else: a file, or a directory with other contents. */
  | "other";

/**
 * Says what `path` holds, so that writing a partition directory there never
 * deletes data that is not one: only an absent path, an empty directory or a
 * webgnn partition directory may be replaced.
 *
 * @example
 * ```ts
 * import { outputDirState } from "./output_dir_state.ts";
 * console.log(await outputDirState(await Deno.makeTempDir())); // "empty"
 * ```
 */
export async function outputDirState(path: string): Promise<OutputDirState> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "absent";
    throw err;
  }
  if (!info.isDirectory) return "other";
  let entries = 0;
  for await (const _ of Deno.readDir(path)) {
    entries++;
    break;
  }
  if (entries === 0) return "empty";
  try {
    const meta = JSON.parse(await Deno.readTextFile(`${path}/meta.json`));
    if (meta?.format === "webgnn-partition") return "partition";
  } catch {
    // no meta.json, or not ours
  }
  return "other";
}
