/**
 * One tensor of a safetensors file: its dtype name as the format spells it,
 * its shape (row-major, outermost first) and its values. `F32` tensors hold
 * a `Float32Array`, `I32` ones an `Int32Array`; a file's other dtypes are
 * read as their little-endian bytes (`Uint8Array`).
 *
 * @example
 * ```ts
 * import type { SafeTensor } from "./safetensors.ts";
 * const bias: SafeTensor = { dtype: "F32", shape: [3], data: new Float32Array([0.1, 0, -0.1]) };
 * ```
 */
export interface SafeTensor {
  /** `F32`, `I32`, `U8`... as the format names element types. */
  readonly dtype: string;
  /** Sizes, outermost first (row-major). */
  readonly shape: readonly number[];
  /** The values: a `Float32Array` for `F32`, an `Int32Array` for `I32`, else little-endian bytes. */
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/**
 * The tensors of a safetensors file, by name, and its `__metadata__` strings.
 *
 * @example
 * ```ts
 * import type { SafeTensors } from "./safetensors.ts";
 * const names = (file: SafeTensors) => [...file.tensors.keys()].sort();
 * ```
 */
export interface SafeTensors {
  /** Every tensor of the file, by name. */
  readonly tensors: Map<string, SafeTensor>;
  /** The header's `__metadata__` strings (empty when it has none). */
  readonly metadata: Record<string, string>;
}

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER = 100_000_000;

/**
 * Encodes tensors in the safetensors format: an 8-byte little-endian header
 * length `N`, `N` bytes of UTF-8 JSON (`{"__metadata__": {...}, "name":
 * {"dtype", "shape", "data_offsets": [begin, end]}, ...}`, offsets relative
 * to the data buffer), then the data buffer. As the reference writer does,
 * the header is padded with spaces to a multiple of 8 bytes and the tensors
 * are laid out by descending element size, then name, so that every
 * tensor's data starts at a multiple of its element size in the file.
 * Values are written little-endian whatever the platform.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors(
 *   new Map([["w", { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) }]]),
 *   { format: "pt" },
 * );
 * console.log(bytes.length % 8, decodeSafetensors(bytes).tensors.get("w")!.data); // 0 Float32Array [1, 2]
 * ```
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafeTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array<ArrayBuffer> {
  const entries = [...tensors].sort(([a, x], [b, y]) =>
    size(y.dtype, b) - size(x.dtype, a) || (a < b ? -1 : a > b ? 1 : 0)
  );
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === "__metadata__") {
      throw new TypeError("encodeSafetensors: no tensor may be named __metadata__");
    }
    const typed = t.dtype === "F32" ? Float32Array : t.dtype === "I32" ? Int32Array : Uint8Array;
    if (!(t.data instanceof typed)) {
      throw new TypeError(
        `encodeSafetensors: ${name} is ${t.dtype} but holds a ${t.data.constructor.name}`,
      );
    }
    const bytes = count(t.shape, name) * size(t.dtype, name);
    if (t.data.byteLength !== bytes) {
      throw new RangeError(
        `encodeSafetensors: ${name} holds ${t.data.byteLength} bytes, its dtype ${t.dtype} and shape [${t.shape}] need ${bytes}`,
      );
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    writeLittleEndian(view, at, t);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Decodes and checks a safetensors file's bytes as the reference reader
 * does: the header length fits the file and is at most 100 MB, the header
 * is a JSON object (padding spaces allowed) whose `__metadata__` maps
 * strings to strings, every tensor's dtype is known and its byte range
 * matches its shape, and the ranges tile the data buffer from 0 to the end
 * of the file without gaps or overlaps. Anything else is an error naming
 * `source` (a file name) and what was expected.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from "./safetensors.ts";
 * // The reference implementation's own example: one I32 tensor of shape [2, 2].
 * const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
 * const bytes = new Uint8Array(8 + header.length + 16);
 * bytes[0] = header.length;
 * bytes.set(new TextEncoder().encode(header), 8);
 * console.log(decodeSafetensors(bytes).tensors.get("test")!.shape); // [2, 2]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors data"): SafeTensors {
  const fail = (why: string): never => {
    throw new SafetensorsFormatError(`${source}: ${why}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, expected at least the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) fail(`header length ${n} is above the ${MAX_HEADER}-byte limit`);
  if (8 + Number(n) > bytes.length) {
    fail(`header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  }
  const end = 8 + Number(n);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, end)));
  } catch (err) {
    fail(`the header is not UTF-8 JSON (${err instanceof Error ? err.message : err})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail("the header is not a JSON object");
  }
  const metadata: Record<string, string> = {};
  const infos: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail("__metadata__ is not an object of strings");
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const shape = t?.shape, offsets = t?.data_offsets;
    if (
      typeof t?.dtype !== "string" || !(t.dtype in DTYPE_BYTES) || !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !Array.isArray(offsets) ||
      offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      fail(
        `tensor ${name} is ${JSON.stringify(value)}, expected {"dtype": one of ${
          Object.keys(DTYPE_BYTES)
        }, "shape": [...], "data_offsets": [begin, end]}`,
      );
    }
    const [begin, stop] = offsets as number[];
    const want = count(shape as number[], name) * DTYPE_BYTES[t.dtype as string]!;
    if (stop! - begin! !== want) {
      fail(
        `tensor ${name}: data_offsets [${offsets}] span ${stop! - begin!} bytes, ` +
          `its dtype ${t.dtype} and shape [${shape}] need ${want}`,
      );
    }
    infos.push({
      name,
      dtype: t.dtype as string,
      shape: shape as number[],
      begin: begin!,
      end: stop!,
    });
  }
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const info of infos) {
    if (info.begin !== at) {
      fail(
        `tensor ${info.name} starts at ${info.begin} in the data buffer, expected ${at} (no gaps, no overlaps)`,
      );
    }
    at = info.end;
  }
  if (end + at !== bytes.length) {
    fail(`the tensors end at byte ${end + at} of the file, which has ${bytes.length}`);
  }
  const tensors = new Map<string, SafeTensor>();
  for (const info of infos) {
    const data = readLittleEndian(view, end + info.begin, info.end - info.begin, info.dtype);
    tensors.set(info.name, { dtype: info.dtype, shape: info.shape, data });
  }
  return { tensors, metadata };
}

/**
 * A file or byte string that is not valid safetensors, with the reason.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, SafetensorsFormatError } from "./safetensors.ts";
 * try {
 *   decodeSafetensors(new Uint8Array(3), "m.safetensors");
 * } catch (err) {
 *   console.log(err instanceof SafetensorsFormatError); // true
 * }
 * ```
 */
export class SafetensorsFormatError extends Error {
  /** The class name, for messages and logs. */
  override readonly name = "SafetensorsFormatError";
}

function size(dtype: string, name: string): number {
  const s = DTYPE_BYTES[dtype];
  if (s === undefined) throw new TypeError(`safetensors: ${name} has an unknown dtype ${dtype}`);
  return s;
}

function count(shape: readonly number[], name: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`safetensors: ${name} has shape [${shape}], expected whole numbers`);
    }
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new RangeError(`safetensors: ${name} is too large`);
  return n;
}

function writeLittleEndian(view: DataView, at: number, t: SafeTensor): void {
  const d = t.data;
  if (d instanceof Float32Array) {
    for (let i = 0; i < d.length; i++) view.setFloat32(at + 4 * i, d[i]!, true);
  } else if (d instanceof Int32Array) {
    for (let i = 0; i < d.length; i++) view.setInt32(at + 4 * i, d[i]!, true);
  } else {
    new Uint8Array(view.buffer, view.byteOffset + at, d.length).set(d);
  }
}

function readLittleEndian(
  view: DataView,
  at: number,
  bytes: number,
  dtype: string,
): Float32Array | Int32Array | Uint8Array {
  if (dtype === "F32") {
    const out = new Float32Array(bytes / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(at + 4 * i, true);
    return out;
  }
  if (dtype === "I32") {
    const out = new Int32Array(bytes / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt32(at + 4 * i, true);
    return out;
  }
  return new Uint8Array(view.buffer, view.byteOffset + at, bytes).slice();
}
