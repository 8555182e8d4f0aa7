import { PartitionFormatError } from "./partition_format_error.ts";
import type { DType, PartitionMeta } from "./partition_meta.ts";

/**
 * Reads array file `name` of a partition directory as meta.json lists it,
 * checking its dtype, shape (when given), byte size and SHA-256; any
 * mismatch throws {@linkcode PartitionFormatError} naming the file.
 */
export async function readArray(
  dir: string,
  meta: PartitionMeta,
  name: string,
  dtype: "int32",
  shape?: number[],
): Promise<Int32Array>;
export async function readArray(
  dir: string,
  meta: PartitionMeta,
  name: string,
  dtype: "float32",
  shape?: number[],
): Promise<Float32Array>;
export async function readArray(
  dir: string,
  meta: PartitionMeta,
  name: string,
  dtype: DType,
  shape?: number[],
): Promise<Int32Array | Float32Array> {
  const entry = meta.files[name];
  if (!entry) throw new PartitionFormatError(name, "not listed in meta.json");
  if (entry.dtype !== dtype) {
    throw new PartitionFormatError(name, `dtype ${entry.dtype}, expected ${dtype}`);
  }
  const elements = entry.shape.reduce((a, b) => a * b, 1);
  if (
    shape && (shape.length !== entry.shape.length || shape.some((s, i) => s !== entry.shape[i]))
  ) {
    throw new PartitionFormatError(
      name,
      `shape [${entry.shape}] in meta.json, expected [${shape}]`,
    );
  }
  if (entry.bytes !== elements * 4) {
    throw new PartitionFormatError(name, `byte count ${entry.bytes} does not match shape`);
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(`${dir}/${name}`);
  } catch (e) {
    throw new PartitionFormatError(name, "cannot read file", { cause: e });
  }
  if (bytes.length !== entry.bytes) {
    throw new PartitionFormatError(
      name,
      `${bytes.length} bytes, expected ${entry.bytes} (truncated or replaced?)`,
    );
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  if (hex !== entry.sha256) {
    throw new PartitionFormatError(name, "checksum mismatch (file altered or corrupt)");
  }
  return dtype === "float32"
    ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
    : new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
