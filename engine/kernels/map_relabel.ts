import wgsl from "../../shaders/map_relabel.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Relabels sampled neighbours to local ids by the node map: a node already
 * in the frontier keeps its position, a new node gets `base + ` its rank
 * among new nodes (from the scanned first-appearance flags) and is appended
 * to `nodes`.
 *
 * @example
 * ```ts
 * import mapRelabelKernel from "./map_relabel.ts";
 * console.log(mapRelabelKernel.name); // "map_relabel"
 * ```
 */
const mapRelabelKernel = defineKernel({
  name: "map_relabel",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "pos", type: "u32", access: "read" },
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
    { name: "ranks", type: "i32", access: "read" },
    { name: "local_ids", type: "i32", access: "read_write" },
    { name: "nodes", type: "i32", access: "read_write" },
  ],
  uniforms: [
    { name: "n", type: "u32" },
    { name: "base", type: "u32" },
    { name: "bound_at", type: "u32" },
  ],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const pos = buffers.pos as Uint32Array;
    const { ids, bound, ranks, local_ids, nodes } = buffers;
    const base = u.base;
    const count = Math.min(end, bound[u.bound_at]!);
    for (let e = begin; e < count; e++) {
      const id = ids[e]!;
      const p = ~pos[id]! >>> 0;
      const local = p >= base ? base + ranks[p - base]! : p;
      local_ids[e] = local;
      if (p === base + e) nodes[local] = id;
    }
  },
});
export default mapRelabelKernel;
