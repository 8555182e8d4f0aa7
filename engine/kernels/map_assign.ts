import wgsl from "../../shaders/map_assign.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { NO_BOUND } from "./hash_insert.ts";

/**
 * Sets the node-map entries of `nodes[first ..]`: each becomes its local id
 * `first + i` (the new nodes of a hop, once relabelled, for the next hop to
 * find), or with `clear` 1 empty again (every node of a minibatch, so the map
 * is all zeros for the next one without clearing all of it). The count is
 * `n`, or the device value `bound[bound_at]` when smaller.
 *
 * @example
 * ```ts
 * import mapAssignKernel from "./map_assign.ts";
 * console.log(mapAssignKernel.name); // "map_assign"
 * ```
 */
const mapAssignKernel = defineKernel({
  name: "map_assign",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "pos", type: "u32", access: "read_write" },
    { name: "nodes", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
  ],
  uniforms: [
    { name: "n", type: "u32" },
    { name: "first", type: "u32" },
    { name: "bound_at", type: "u32" },
    { name: "clear", type: "u32" },
  ],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers, uniforms: u, begin, end }) => {
    const pos = buffers.pos as Uint32Array;
    const { nodes, bound } = buffers;
    const count = u.bound_at === NO_BOUND ? u.n : Math.min(u.n, bound[u.bound_at]!);
    for (let i = begin; i < Math.min(end, count); i++) {
      const id = nodes[u.first + i]!;
      if (id >= 0) pos[id] = u.clear ? 0 : ~(u.first + i) >>> 0;
    }
  },
});
export default mapAssignKernel;
