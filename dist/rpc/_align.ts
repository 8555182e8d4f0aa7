type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const STANDARD: ReadonlySet<unknown> = new Set([
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
]);

function ownAligned(view: ArrayBufferView): ArrayBufferView {
  if (view instanceof DataView) return view;
  const array = view as TypedArray;
  if (!STANDARD.has(array.constructor)) {
    // A subclass such as Node's Buffer: hand out a plain copy instead.
    return new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
      .slice();
  }
  const owns = array.byteOffset === 0 &&
    array.byteLength === array.buffer.byteLength;
  return owns ? array : array.slice();
}

/**
 * Returns `value` with every typed array inside it (searched through plain
 * objects, arrays and maps, 64 levels deep) guaranteed aligned and owning its
 * memory: a view that shares a larger buffer (possibly misaligned) is copied,
 * and a `Buffer` becomes a plain `Uint8Array`. msgpackr with `moreTypes`
 * already copies; this keeps the guarantee if it ever stops doing so.
 * Private helper of the codec.
 */
export function alignTypedArrays(value: unknown, depth = 0): unknown {
  if (ArrayBuffer.isView(value)) return ownAligned(value);
  if (depth >= 64 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      value[i] = alignTypedArrays(value[i], depth + 1);
    }
    return value;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) value.set(k, alignTypedArrays(v, depth + 1));
    return value;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      record[key] = alignTypedArrays(record[key], depth + 1);
    }
  }
  return value;
}
