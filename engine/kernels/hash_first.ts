import body from "../../shaders/hash_first.wgsl" with { type: "text" };
import hash from "../../shaders/_hash.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { HASH_BINDINGS, hashPosition } from "./_hash.ts";

/**
 * Marks the sampled edges whose neighbour is a new node seen here for the
 * first time (`flags[e] = 1`), so that an exclusive scan of the flags numbers
 * the new nodes in order of first appearance.
 *
 * @example
 * ```ts
 * import hashFirstKernel from "./hash_first.ts";
 * console.log(hashFirstKernel.name); // "hash_first"
 * ```
 */
const hashFirstKernel = defineKernel({
  name: "hash_first",
  module: import.meta.url,
  wgsl: hash + body,
  workgroupSize: 256,
  bindings: [
    ...HASH_BINDINGS,
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
    { name: "flags", type: "i32", access: "read_write" },
  ],
  uniforms: [
    { name: "n", type: "u32" },
    { name: "base", type: "u32" },
    { name: "mask", type: "u32" },
    { name: "bound_at", type: "u32" },
  ],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const keys = buffers.keys as Uint32Array, vals = buffers.vals as Uint32Array;
    const { ids, bound, flags } = buffers;
    const count = bound[u.bound_at]!;
    for (let e = begin; e < end; e++) {
      flags[e] = e < count && hashPosition(keys, vals, u.mask, ids[e]!) === u.base + e ? 1 : 0;
    }
  },
});
export default hashFirstKernel;
