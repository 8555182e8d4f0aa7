import wgsl from "../../shaders/map_dedup.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * One hop's de-duplication in the node map in one ordered pass: each
 * sampled neighbour gets its local id (a node already in the map keeps its
 * own, a new one becomes `base + ` its rank among new nodes, is appended to
 * `nodes` and recorded in the map), and the number of new nodes goes to
 * `counts[count_at]`. The same result as `map_insert`, `map_first`, a scan,
 * `map_relabel` and `map_assign`, which a GPU runs in parallel; on the CPU
 * backend this one pass, one map access per edge, costs less than those
 * four passes on two threads. One invocation: on a GPU it is a serial loop.
 *
 * @example
 * ```ts
 * import mapDedupKernel from "./map_dedup.ts";
 * console.log(mapDedupKernel.bindings.map((b) => b.name).join()); // "pos,ids,bound,local_ids,nodes,counts"
 * ```
 */
const mapDedupKernel = defineKernel({
  name: "map_dedup",
  wgsl,
  workgroupSize: 1,
  bindings: [
    { name: "pos", type: "u32", access: "read_write" },
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
    { name: "local_ids", type: "i32", access: "read_write" },
    { name: "nodes", type: "i32", access: "read_write" },
    { name: "counts", type: "i32", access: "read_write" },
  ],
  uniforms: [
    { name: "base", type: "u32" },
    { name: "bound_at", type: "u32" },
    { name: "count_at", type: "u32" },
  ],
  invocations: () => 1,
  cpu: ({ buffers, uniforms: u }) => {
    const pos = buffers.pos as Uint32Array;
    const { ids, bound, local_ids, nodes, counts } = buffers;
    const count = bound[u.bound_at]!;
    let next = u.base;
    for (let e = 0; e < count; e++) {
      const id = ids[e]!;
      if (id < 0) {
        local_ids[e] = -1;
        continue;
      }
      const p = pos[id]!;
      if (p === 0) {
        pos[id] = ~next >>> 0;
        nodes[next] = id;
        local_ids[e] = next++;
      } else {
        local_ids[e] = ~p;
      }
    }
    counts[u.count_at] = next - u.base;
  },
});
export default mapDedupKernel;
