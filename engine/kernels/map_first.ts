import wgsl from "../../shaders/map_first.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Marks the sampled edges whose neighbour is a new node seen here for the
 * first time (`flags[e] = 1`), by the node map `map_insert` filled, so that
 * an exclusive scan of the flags numbers the new nodes in order of first
 * appearance.
 *
 * @example
 * ```ts
 * import mapFirstKernel from "./map_first.ts";
 * console.log(mapFirstKernel.name); // "map_first"
 * ```
 */
const mapFirstKernel = defineKernel({
  name: "map_first",
  module: import.meta.url,
  wgsl,
  workgroupSize: 256,
  bindings: [
    { name: "pos", type: "u32", access: "read" },
    { name: "ids", type: "i32", access: "read" },
    { name: "bound", type: "i32", access: "read" },
    { name: "flags", type: "i32", access: "read_write" },
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
    const { ids, flags } = buffers;
    const count = Math.min(end, buffers.bound[u.bound_at]!);
    let e = begin;
    for (; e < count; e++) flags[e] = (~pos[ids[e]!]! >>> 0) === u.base + e ? 1 : 0;
    for (; e < end; e++) flags[e] = 0;
  },
});
export default mapFirstKernel;
