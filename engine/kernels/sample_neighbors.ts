import body from "../../shaders/sample_neighbors.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { pcg } from "./_random.ts";

/**
 * Uniform neighbour sampling without replacement on CSR: seed `i` gets
 * `offsets[i + 1] - offsets[i]` (= `min(fanout, degree)`) distinct
 * neighbours in `out[offsets[i] ..]`. The choice depends only on the `seed`
 * uniform and the node id, so both backends, and any process sampling the
 * same node, draw the same neighbours. Indices come in up to four chunks of
 * `chunk` entries each (bind chunk 0 again where there are fewer).
 *
 * @example
 * ```ts
 * import sampleNeighborsKernel from "./sample_neighbors.ts";
 * console.log(sampleNeighborsKernel.bindings.length); // 8
 * ```
 */
const sampleNeighborsKernel = defineKernel({
  name: "sample_neighbors",
  module: import.meta.url,
  wgsl: random + body,
  workgroupSize: 64,
  bindings: [
    { name: "indptr", type: "i32", access: "read" },
    { name: "seeds", type: "i32", access: "read" },
    { name: "offsets", type: "i32", access: "read" },
    { name: "out", type: "i32", access: "read_write" },
    { name: "idx0", type: "i32", access: "read" },
    { name: "idx1", type: "i32", access: "read" },
    { name: "idx2", type: "i32", access: "read" },
    { name: "idx3", type: "i32", access: "read" },
  ],
  uniforms: [
    { name: "num_seeds", type: "u32" },
    { name: "seed", type: "u32" },
    { name: "chunk", type: "u32" },
  ],
  invocations: (u) => u.num_seeds,
  cpuParallel: true,
  // The indices in one chunk (then every idx binding is chunk 0): the
  // WebAssembly version; else the TypeScript one.
  wasm: ({ run, addresses: a, uniforms: u, begin, end }) => {
    if (a.idx1 !== a.idx0 || a.idx2 !== a.idx0 || a.idx3 !== a.idx0) return false;
    run(a.indptr, a.seeds, a.offsets, a.out, a.idx0, u.seed, begin, end);
    return true;
  },
  cpu: ({ buffers, uniforms, begin, end }) => {
    const { indptr, seeds, offsets, out } = buffers;
    const chunks = [buffers.idx0, buffers.idx1, buffers.idx2, buffers.idx3];
    const { chunk } = uniforms;
    // Three passes over the range: every seed's positions (Floyd's
    // algorithm: arithmetic on a few cached words), then positions made
    // absolute, then one flat loop of independent loads from the index
    // array, whose cache misses overlap. Each seed's loads behind its own
    // Floyd loop took 1.8x the time on one thread, and a loop per seed 1.4x.
    positions(indptr, seeds, offsets, out, uniforms.seed, begin, end);
    for (let i = begin; i < end; i++) {
      const o = offsets[i]!, e = offsets[i + 1]!;
      if (e === o) continue;
      const start = indptr[seeds[i]!]!;
      for (let q = o; q < e; q++) out[q] = start + out[q]!;
    }
    const first = offsets[begin]!, last = offsets[end]!;
    // One chunk holds every index on all but the largest graphs: read it directly.
    if (chunks[0]!.length >= indptr[indptr.length - 1]!) {
      const single = chunks[0]!;
      for (let q = first; q < last; q++) out[q] = single[out[q]!]!;
    } else {
      for (let q = first; q < last; q++) {
        const x = out[q]!;
        out[q] = chunks[Math.floor(x / chunk)]![x % chunk]!;
      }
    }
  },
});
export default sampleNeighborsKernel;

/** Floyd's algorithm: seed `i`'s sampled positions in its neighbour list, into `out[offsets[i]..]`. */
function positions(
  indptr: Float32Array | Int32Array | Uint32Array,
  seeds: Float32Array | Int32Array | Uint32Array,
  offsets: Float32Array | Int32Array | Uint32Array,
  out: Float32Array | Int32Array | Uint32Array,
  seed: number,
  begin: number,
  end: number,
): void {
  for (let i = begin; i < end; i++) {
    const o = offsets[i]!;
    const k = offsets[i + 1]! - o;
    if (k === 0) continue;
    const v = seeds[i]!;
    const d = indptr[v + 1]! - indptr[v]!;
    if (d > k) {
      const h = pcg((seed ^ pcg(v)) >>> 0);
      let m = 0;
      for (let j = d - k; j < d; j++) {
        let t = modulo(pcg((h + j) >>> 0), j + 1);
        for (let q = 0; q < m; q++) {
          if (out[o + q] === t) {
            t = j;
            break;
          }
        }
        out[o + m++] = t;
      }
    } else {
      for (let j = 0; j < d; j++) out[o + j] = j;
    }
  }
}

/**
 * `x % m` for a uint32 `x` and `1 <= m < 2^21` without a floating-point
 * remainder (`%` on values above 2^31 is not an integer operation in V8): the
 * quotient of two doubles is off from the true one by at most x * 2^-53 <
 * 2^-21 <= 1/m, so its floor is exact.
 */
function modulo(x: number, m: number): number {
  if (m >= 0x200000) return x % m;
  return x - Math.floor(x / m) * m;
}
