// An independent reader of the safetensors specification, for tests.
import assert from "node:assert/strict";

/**
 * An independent reader of the safetensors specification: it checks
 * everything the format and the reference writer promise, byte by byte,
 * and returns each tensor's float32 values read little-endian.
 */
export function readSpec(bytes: Uint8Array): {
  header: Record<string, unknown>;
  order: string[];
  values: Map<string, { shape: number[]; values: number[] }>;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  assert.ok(8 + n <= bytes.length, `header length ${n} fits the file`);
  assert.equal(n % 8, 0, "the header is padded to a multiple of 8 bytes");
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  assert.equal(text[0], "{", "the header starts with {");
  const trimmed = text.replace(/ +$/, "");
  assert.ok(trimmed.endsWith("}"), "only spaces pad the header");
  assert.ok(text.length - trimmed.length < 8, "at most 7 padding spaces");
  const header = JSON.parse(text) as Record<string, unknown>;
  const meta = header.__metadata__ as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(meta ?? {})) {
    assert.equal(typeof v, "string", `__metadata__.${k} is a string`);
  }
  const sizes: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };
  const entries = Object.entries(header).filter(([k]) => k !== "__metadata__") as [
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] },
  ][];
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let at = 0;
  const values = new Map<string, { shape: number[]; values: number[] }>();
  for (const [name, t] of entries) {
    assert.deepEqual(Object.keys(t).sort(), ["data_offsets", "dtype", "shape"], name);
    const size = sizes[t.dtype];
    assert.ok(size !== undefined, `${name}: dtype ${t.dtype}`);
    const [begin, end] = t.data_offsets;
    assert.equal(begin, at, `${name} starts where the previous tensor ended`);
    assert.equal(end - begin, t.shape.reduce((a, b) => a * b, 1) * size!, `${name}'s byte count`);
    assert.equal((8 + n + begin) % size!, 0, `${name} is aligned to its element size in the file`);
    at = end;
    if (t.dtype === "F32") {
      const v: number[] = [];
      for (let o = 8 + n + begin; o < 8 + n + end; o += 4) v.push(view.getFloat32(o, true));
      values.set(name, { shape: t.shape, values: v });
    }
  }
  assert.equal(8 + n + at, bytes.length, "the tensors end where the file ends");
  return { header, order: entries.map(([k]) => k), values };
}
