import body from "../../shaders/sample_neighbors_weighted.wgsl" with { type: "text" };
import random from "../../shaders/_random.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";
import { negLog2FixedBits, pcgBits } from "./_random.ts";

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
  // The indices and factors in one chunk each (then every idx and w binding
  // is chunk 0): the WebAssembly version; else the TypeScript one.
  wasm: ({ run, addresses: a, uniforms: u, begin, end }) => {
    if (a.idx1 !== a.idx0 || a.idx2 !== a.idx0 || a.idx3 !== a.idx0) return false;
    if (a.w1 !== a.w0 || a.w2 !== a.w0 || a.w3 !== a.w0) return false;
    run(a.indptr, a.positive, a.seeds, a.offsets, a.out, a.keys, a.idx0, a.w0, u.seed, begin, end);
    return true;
  },
  cpu: ({ buffers, uniforms, begin, end }) => {
    const { indptr, positive, seeds, offsets, out } = buffers;
    const ids = [buffers.idx0, buffers.idx1, buffers.idx2, buffers.idx3];
    const factors = [buffers.w0, buffers.w1, buffers.w2, buffers.w3];
    const { chunk } = uniforms;
    const seed = uniforms.seed | 0;
    // Two passes over the range: every seed's chosen edges (hashes, keys and
    // an insertion into the kept ones: arithmetic on one row of factors), as
    // absolute edge positions; then one flat loop of independent loads from
    // the index array, whose cache misses overlap.
    // One chunk holds every edge on all but the largest graphs: read it directly.
    const single = ids[0]!.length >= indptr[indptr.length - 1]!;
    for (let i = begin; i < end; i++) {
      const o = offsets[i]!;
      const k = offsets[i + 1]! - o;
      if (k === 0) continue;
      const v = seeds[i]!;
      const start = indptr[v]!;
      const d = indptr[v + 1]! - start;
      // The row's factors: a view of its chunk, or a copy where it straddles two.
      let row = factors[0]!, at = start;
      if (!single) {
        const c = Math.floor(start / chunk), last = Math.floor((start + d - 1) / chunk);
        if (c === last || d === 0) [row, at] = [factors[c]!, start - c * chunk];
        else [row, at] = [rowCopy(factors, chunk, start, d), 0];
      }
      if (positive[v + 1]! - positive[v]! <= k) {
        let m = o;
        for (let j = 0; j < d; j++) if (row[at + j]! > 0) out[m++] = start + j;
        continue;
      }
      draw(row, at, d, pcgBits(seed ^ pcgBits(v)), k);
      for (let q = 0; q < k; q++) out[o + q] = start + kept[q]!;
    }
    const first = offsets[begin]!, last = offsets[end]!;
    if (single) {
      const ids0 = ids[0]!;
      for (let q = first; q < last; q++) out[q] = ids0[out[q]!]!;
    } else {
      for (let q = first; q < last; q++) {
        const e = out[q]!;
        out[q] = ids[Math.floor(e / chunk)]![e % chunk]!;
      }
    }
  },
});
export default sampleNeighborsWeightedKernel;

/**
 * Scratch of `draw`: the kept edges' positions in their row and their keys,
 * ascending, grown to the largest fan-out seen (each Worker has its own).
 */
let kept = new Int32Array(16), keptKeys = new Float64Array(16);

/**
 * Keeps in `kept[0..k)` the `k` positions of the row's `d` edges (factors
 * `row[at ..]`, at least `k + 1` of them positive) with the smallest keys, by key,
 * ties to the earlier edge: the WGSL's draw, bit for bit.
 */
function draw(
  row: Float32Array | Int32Array | Uint32Array,
  at: number,
  d: number,
  h: number,
  k: number,
) {
  if (kept.length < k) [kept, keptKeys] = [new Int32Array(k), new Float64Array(k)];
  let m = 0, worst = Infinity;
  for (let j = 0; j < d; j++) {
    const f = row[at + j]!;
    if (f === 0) continue;
    // No bound on the logarithm from r's leading bit (the WGSL's early exit):
    // with the logarithm one lookup, the branch cost more than it saved.
    const r = pcgBits((h + j) | 0);
    // Both factors are float32 and the logarithm is below 2^22, so the
    // double product is exact and fround rounds it once, as WGSL's f32 product.
    const key = Math.fround(negLog2FixedBits(r) * f);
    if (key >= worst) continue;
    let q = m < k ? m++ : k - 1;
    while (q > 0 && keptKeys[q - 1]! > key) {
      keptKeys[q] = keptKeys[q - 1]!;
      kept[q] = kept[q - 1]!;
      q--;
    }
    keptKeys[q] = key;
    kept[q] = j;
    if (m === k) worst = keptKeys[k - 1]!;
  }
}

/** The factors of edges `[start, start + d)` across chunks of `chunk` entries, copied. */
function rowCopy(
  factors: (Float32Array | Int32Array | Uint32Array)[],
  chunk: number,
  start: number,
  d: number,
): Float32Array {
  const row = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const e = start + j;
    row[j] = factors[Math.floor(e / chunk)]![e % chunk]!;
  }
  return row;
}
