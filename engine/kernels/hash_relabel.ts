import body from "../../shaders/hash_relabel.wgsl" with { type: "text" };
import hash from "../../shaders/_hash.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { HASH_BINDINGS, hashPosition } from "./_hash.ts";

/**
 * Relabels sampled neighbours to local ids: a node already in the frontier
 * keeps its position, a new node gets `base + ` its rank among new nodes
 * (from the scanned first-appearance flags) and is appended to `nodes`.
 *
 * @example
 * ```ts
 * import hashRelabelKernel from "./hash_relabel.ts";
 * console.log(hashRelabelKernel.name); // "hash_relabel"
 * ```
 */
const hashRelabelKernel = defineKernel({
  name: "hash_relabel",
  module: import.meta.url,
  wgsl: hash + body,
  workgroupSize: 256,
  bindings: [
    ...HASH_BINDINGS,
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
    { name: "ranks", type: "i32", access: "read" },
    { name: "local_ids", type: "i32", access: "read_write" },
    { name: "nodes", type: "i32", access: "read_write" },
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
    const { ids, bound, ranks, local_ids, nodes } = buffers;
    const count = Math.min(end, bound[u.bound_at]!);
    for (let e = begin; e < count; e++) {
      const p = hashPosition(keys, vals, u.mask, ids[e]!);
      const local = p >= u.base ? u.base + ranks[p - u.base]! : p;
      local_ids[e] = local;
      if (p === u.base + e) nodes[local] = ids[e]!;
    }
  },
});
export default hashRelabelKernel;
