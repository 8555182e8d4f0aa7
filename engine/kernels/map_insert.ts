import wgsl from "../../shaders/map_insert.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { NO_BOUND } from "./hash_insert.ts";

/**
 * Records node ids in the node map of multi-hop sampling, each with position
 * `base + i`; a node recorded several times keeps its smallest position. The
 * map has one entry per node of the graph, holding `~position` (0: absent),
 * so no probing is needed, unlike the hash table of `hash_insert`. The number
 * recorded is `n`, or the device value `bound[bound_at]` when smaller. On the
 * CPU backend it runs on one thread: the maximum is not atomic there.
 *
 * @example
 * ```ts
 * import mapInsertKernel from "./map_insert.ts";
 * console.log(mapInsertKernel.bindings.map((b) => b.name)); // ["pos", "ids", "bound"]
 * ```
 */
const mapInsertKernel = defineKernel({
  name: "map_insert",
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "pos", type: "atomic<u32>", access: "read_write" },
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
  ],
  uniforms: [
    { name: "n", type: "u32" },
    { name: "base", type: "u32" },
    { name: "bound_at", type: "u32" },
  ],
  invocations: (u) => u.n,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const pos = buffers.pos as Uint32Array;
    const { ids, bound } = buffers;
    const count = u.bound_at === NO_BOUND ? u.n : Math.min(u.n, bound[u.bound_at]!);
    for (let i = begin; i < Math.min(end, count); i++) {
      const id = ids[i]!;
      if (id < 0) continue;
      const v = ~(u.base + i) >>> 0;
      if (v > pos[id]!) pos[id] = v;
    }
  },
});
export default mapInsertKernel;
