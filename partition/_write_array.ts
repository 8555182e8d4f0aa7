import type { FileEntry } from "./partition_meta.ts";

/**
 * Writes `array` raw little-endian as `root/name` and records its dtype,
 * shape, size and SHA-256 in `files` under `name` (the `meta.json` entry
 * that `readArray` checks).
 */
export async function writeArray(
  root: string,
  name: string,
  array: Int32Array | Float32Array,
  shape: number[],
  files: Record<string, FileEntry>,
): Promise<void> {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  await Deno.writeFile(`${root}/${name}`, bytes);
  const digest = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  files[name] = {
    dtype: array instanceof Float32Array ? "float32" : "int32",
    shape,
    bytes: bytes.length,
    sha256: toHex(new Uint8Array(digest)),
  };
}

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
