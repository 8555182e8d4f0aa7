import body from "../../shaders/hash_insert.wgsl" with { type: "text" };
import hash from "../../shaders/_hash.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { HASH_BINDINGS, hashSlot } from "./_hash.ts";

/** `bound_at` value meaning "no device-side bound: insert all `n`". */
export const NO_BOUND = 0xffffffff;

/**
 * Inserts node ids into the de-duplication hash table, each with position
 * `base + i`; a node inserted several times keeps its smallest position. The
 * number inserted is `n`, or the device value `bound[bound_at]` when smaller,
 * so a sampled hop's edge count need not be read back first.
 *
 * @example
 * ```ts
 * import hashInsertKernel from "./hash_insert.ts";
 * console.log(hashInsertKernel.name); // "hash_insert"
 * ```
 */
const hashInsertKernel = defineKernel({
  name: "hash_insert",
  wgsl: hash + body,
  workgroupSize: 64,
  bindings: [
    ...HASH_BINDINGS,
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
  ],
  uniforms: [
    { name: "n", type: "u32" },
    { name: "base", type: "u32" },
    { name: "mask", type: "u32" },
    { name: "bound_at", type: "u32" },
  ],
  invocations: (u) => u.n,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const keys = buffers.keys as Uint32Array, vals = buffers.vals as Uint32Array;
    const { ids, bound } = buffers;
    const count = u.bound_at === NO_BOUND ? u.n : Math.min(u.n, bound[u.bound_at]!);
    for (let i = begin; i < Math.min(end, count); i++) {
      const id = ids[i]!;
      if (id < 0) continue;
      const key = (id + 1) >>> 0;
      let s = hashSlot(key, u.mask);
      while (keys[s] !== 0 && keys[s] !== key) s = (s + 1) & u.mask;
      keys[s] = key;
      const v = ~(u.base + i) >>> 0;
      if (v > vals[s]!) vals[s] = v;
    }
  },
});
export default hashInsertKernel;
