import body from "../../shaders/sample_neighbors_weighted.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { clz, negLog2Fixed, pcg } from "./_random.ts";

/**
 * Edge-weighted neighbour sampling without replacement on CSR
 * (Efraimidis-Spirakis keys): seed `i` gets `offsets[i + 1] - offsets[i]`
 * neighbours in `out[offsets[i] ..]`, the ones with the smallest keys
 * `-log2(u) * factor`, where `u` is the uniform sampler's hash of the seed, the
 * node and the edge's position, and `factor` is `max weight / weight` (0 for
 * a zero-weight edge, never drawn). The key is an integer logarithm times one
 * float32 product, so both backends, and any process sampling the same node,
 * draw the same neighbours. `keys` is scratch of the same length as `out`.
 * Indices and factors come in up to four chunks of `chunk` entries each.
 *
 * @example
 * ```ts
 * import sampleNeighborsWeightedKernel from "./sample_neighbors_weighted.ts";
 * console.log(sampleNeighborsWeightedKernel.bindings.length); // 14
 * ```
 */
const sampleNeighborsWeightedKernel = defineKernel({
  name: "sample_neighbors_weighted",
  module: import.meta.url,
  wgsl: random + body,
  workgroupSize: 64,
  bindings: [
    { name: "indptr", type: "i32", access: "read" },
    { name: "positive", type: "i32", access: "read" },
    { name: "seeds", type: "i32", access: "read" },
    { name: "offsets", type: "i32", access: "read" },
    { name: "out", type: "i32", access: "read_write" },
    { name: "keys", type: "f32", access: "read_write" },
    { name: "idx0", type: "i32", access: "read" },
    { name: "idx1", type: "i32", access: "read" },
    { name: "idx2", type: "i32", access: "read" },
    { name: "idx3", type: "i32", access: "read" },
    { name: "w0", type: "f32", access: "read" },
    { name: "w1", type: "f32", access: "read" },
    { name: "w2", type: "f32", access: "read" },
    { name: "w3", type: "f32", access: "read" },
  ],
  uniforms: [
    { name: "num_seeds", type: "u32" },
    { name: "seed", type: "u32" },
    { name: "chunk", type: "u32" },
  ],
  invocations: (u) => u.num_seeds,
  cpuParallel: true,
  cpu: ({ buffers, uniforms, begin, end }) => {
    const { indptr, positive, seeds, offsets, out, keys } = buffers;
    const ids = [buffers.idx0, buffers.idx1, buffers.idx2, buffers.idx3];
    const factors = [buffers.w0, buffers.w1, buffers.w2, buffers.w3];
    const { chunk, seed } = uniforms;
    // One chunk holds every edge on all but the largest graphs: read it directly.
    const single = ids[0]!.length >= indptr[indptr.length - 1]!;
    const [ids0, factors0] = [ids[0]!, factors[0]!];
    const id = (e: number) => single ? ids0[e]! : ids[Math.floor(e / chunk)]![e % chunk]!;
    const factor = (e: number) =>
      single ? factors0[e]! : factors[Math.floor(e / chunk)]![e % chunk]!;
    for (let i = begin; i < end; i++) {
      const o = offsets[i]!;
      const k = offsets[i + 1]! - o;
      if (k === 0) continue;
      const v = seeds[i]!;
      const start = indptr[v]!;
      const d = indptr[v + 1]! - start;
      if (positive[v + 1]! - positive[v]! <= k) {
        let m = 0;
        for (let j = 0; j < d; j++) {
          if (factor(start + j) > 0) out[o + m++] = id(start + j);
        }
        continue;
      }
      const h = pcg((seed ^ pcg(v)) >>> 0);
      let m = 0;
      for (let j = 0; j < d; j++) {
        const f = factor(start + j);
        if (f === 0) continue;
        // (h + j) mod 2^32 by arithmetic: a bitwise operator on a double above
        // 2^31 sends V8's optimised code into a deoptimisation loop.
        const r = pcg(h + j >= 4294967296 ? h + j - 4294967296 : h + j);
        // The leading bit of r bounds its logarithm from below: skip without the
        // full logarithm when even that bound cannot enter (exact: rounding is monotone).
        const low = (Math.min(clz(r), 31) << 16) + 1;
        if (m === k && low * f >= keys[o + k - 1]!) continue;
        // Both factors are float32 and the logarithm is below 2^22, so the
        // double product is exact and fround rounds it once, as WGSL's f32 product.
        const key = Math.fround(negLog2Fixed(r) * f);
        if (m === k && key >= keys[o + k - 1]!) continue;
        let q = Math.min(m, k - 1);
        if (m < k) m++;
        while (q > 0 && keys[o + q - 1]! > key) {
          keys[o + q] = keys[o + q - 1]!;
          out[o + q] = out[o + q - 1]!;
          q--;
        }
        keys[o + q] = key;
        out[o + q] = j;
      }
      for (let q = 0; q < k; q++) out[o + q] = id(start + out[o + q]!);
    }
  },
});
export default sampleNeighborsWeightedKernel;
