import {
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
  type SafeTensors,
} from "./safetensors.ts";

/**
 * Writes tensors to `path` as a safetensors file (see
 * {@linkcode encodeSafetensors}), atomically: into a temporary file beside
 * it, flushed to disk, then renamed over `path`, so a reader never sees a
 * half-written model and a crash leaves the previous file whole.
 *
 * @example
 * ```ts
 * import { loadSafetensors, saveSafetensors } from "./safetensors_file.ts";
 * const path = `${await Deno.makeTempDir()}/t.safetensors`;
 * await saveSafetensors(path, new Map([["b", { dtype: "F32", shape: [1], data: new Float32Array([0.5]) }]]), { note: "x" });
 * const { tensors, metadata } = await loadSafetensors(path);
 * console.log(tensors.get("b")!.data[0], metadata.note); // 0.5 x
 * ```
 */
export async function saveSafetensors(
  path: string,
  tensors: ReadonlyMap<string, SafeTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata);
  const slash = path.lastIndexOf("/");
  const tmp = `${slash < 0 ? "" : path.slice(0, slash + 1)}.${
    path.slice(slash + 1)
  }.${Deno.pid}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    let at = 0;
    while (at < bytes.length) at += await file.write(bytes.subarray(at));
    await file.sync();
  } catch (err) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  file.close();
  await Deno.rename(tmp, path);
}

/**
 * Reads and checks a safetensors file (see {@linkcode decodeSafetensors});
 * a malformed one is a `SafetensorsFormatError` naming `path`.
 *
 * @example
 * ```ts ignore
 * import { loadSafetensors } from "./safetensors_file.ts";
 * const { tensors, metadata } = await loadSafetensors("sage.safetensors");
 * ```
 */
export async function loadSafetensors(path: string): Promise<SafeTensors> {
  return decodeSafetensors(await Deno.readFile(path), path);
}
