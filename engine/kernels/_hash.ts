/** Slot of a key, as `hash_slot` in shaders/_hash.wgsl. */
export function hashSlot(key: number, mask: number): number {
  return (Math.imul(key, 2654435761) & mask) >>> 0;
}

/** Smallest position `id` was inserted at, or 0xffffffff; as `hash_position` in shaders/_hash.wgsl. */
export function hashPosition(
  keys: Uint32Array,
  vals: Uint32Array,
  mask: number,
  id: number,
): number {
  const key = (id + 1) >>> 0;
  let s = hashSlot(key, mask);
  for (;;) {
    const k = keys[s]!;
    if (k === key) return ~vals[s]! >>> 0;
    if (k === 0) return 0xffffffff;
    s = (s + 1) & mask;
  }
}

/** Every kernel on the hash table binds these two buffers under these names. */
export const HASH_BINDINGS = [
  { name: "keys", type: "atomic<u32>", access: "read_write" },
  { name: "vals", type: "atomic<u32>", access: "read_write" },
] as const;
