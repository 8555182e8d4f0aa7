import wgsl from "../../shaders/matmul.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/** Rows and columns of C one invocation computes. */
export const MATMUL_TILE = 4;

/**
 * Dense product `C = op(A) op(B)` (`+ C` when `accumulate` is 1) on row-major
 * operands at element offsets; `op` transposes when `trans_a`/`trans_b` is 1.
 * One invocation computes a 4x4 tile of C. On the CPU backend the product
 * goes to OpenBLAS when the device has it (`args.blas`, the whole product on
 * the calling thread); otherwise whole rows of tiles are split over the
 * Workers and run in WebAssembly SIMD (`shaders/matmul.wat`; A^T B^T, never
 * used by the model, and `k = 0` stay in the TypeScript loop), or in the
 * TypeScript loop where WebAssembly is off.
 *
 * @example
 * ```ts
 * import matmulKernel from "./matmul.ts";
 * const C = new Float32Array(1);
 * matmulKernel.cpu({
 *   buffers: { A: new Float32Array([1, 2]), B: new Float32Array([3, 4]), C },
 *   uniforms: {
 *     m: 1, n: 1, k: 2, trans_a: 0, trans_b: 0, lda: 2, ldb: 1, ldc: 1,
 *     a_off: 0, b_off: 0, c_off: 0, accumulate: 0,
 *   },
 *   begin: 0, end: 1,
 * });
 * console.log(C[0]); // 11
 * ```
 */
const matmulKernel = defineKernel({
  name: "matmul",
  module: import.meta.url,
  wgsl,
  workgroupSize: 64,
  bindings: [
    { name: "A", type: "f32", access: "read" },
    { name: "B", type: "f32", access: "read" },
    { name: "C", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "m", type: "u32" },
    { name: "n", type: "u32" },
    { name: "k", type: "u32" },
    { name: "trans_a", type: "u32" },
    { name: "trans_b", type: "u32" },
    { name: "lda", type: "u32" },
    { name: "ldb", type: "u32" },
    { name: "ldc", type: "u32" },
    { name: "a_off", type: "u32" },
    { name: "b_off", type: "u32" },
    { name: "c_off", type: "u32" },
    { name: "accumulate", type: "u32" },
  ],
  invocations: (u) => Math.ceil(u.m / MATMUL_TILE) * Math.ceil(u.n / MATMUL_TILE),
  cpuParallel: true,
  cpuBlas: true,
  // Whole rows of tiles: each Worker's rows pass over the same blocks of B.
  cpuGrain: (u) => Math.ceil(u.n / MATMUL_TILE),
  wasm: ({ run, addresses: at, uniforms: u, begin, end }) => {
    const tilesN = Math.ceil(u.n / MATMUL_TILE);
    if (u.k === 0 || (u.trans_a && u.trans_b) || begin % tilesN || end % tilesN) return false;
    const r0 = (begin / tilesN) * MATMUL_TILE, r1 = Math.min(u.m, (end / tilesN) * MATMUL_TILE);
    run(
      at.A + 4 * u.a_off,
      at.B + 4 * u.b_off,
      at.C + 4 * u.c_off,
      u.n,
      u.k,
      u.trans_a,
      u.trans_b,
      u.lda,
      u.ldb,
      u.ldc,
      u.accumulate,
      r0,
      r1,
    );
    return true;
  },
  cpu: ({ buffers, uniforms: u, begin, end, blas }) => {
    const A = buffers.A as Float32Array;
    const B = buffers.B as Float32Array;
    const C = buffers.C as Float32Array;
    const tilesN = Math.ceil(u.n / MATMUL_TILE);
    const all = begin === 0 && end >= Math.ceil(u.m / MATMUL_TILE) * tilesN;
    if (blas && all && u.k > 0) {
      blas.sgemm({
        transA: u.trans_a === 1,
        transB: u.trans_b === 1,
        m: u.m,
        n: u.n,
        k: u.k,
        a: A.subarray(u.a_off),
        lda: u.lda,
        b: B.subarray(u.b_off),
        ldb: u.ldb,
        c: C.subarray(u.c_off),
        ldc: u.ldc,
        beta: u.accumulate,
      });
      return;
    }
    const aRs = u.trans_a ? 1 : u.lda, aCs = u.trans_a ? u.lda : 1;
    const bRs = u.trans_b ? 1 : u.ldb, bCs = u.trans_b ? u.ldb : 1;
    const acc = new Float32Array(u.n);
    for (let t = Math.floor(begin / tilesN); t * tilesN < end; t++) {
      const c0 = Math.max(0, begin - t * tilesN) * MATMUL_TILE;
      const c1 = Math.min(u.n, Math.min(tilesN, end - t * tilesN) * MATMUL_TILE);
      const r1 = Math.min(u.m, (t + 1) * MATMUL_TILE);
      for (let r = t * MATMUL_TILE; r < r1; r++) {
        acc.fill(0, c0, c1);
        for (let kk = 0; kk < u.k; kk++) {
          const a = A[u.a_off + r * aRs + kk * aCs]!;
          const bRow = u.b_off + kk * bRs;
          for (let c = c0; c < c1; c++) acc[c]! += a * B[bRow + c * bCs]!;
        }
        const cRow = u.c_off + r * u.ldc;
        for (let c = c0; c < c1; c++) {
          C[cRow + c] = u.accumulate ? C[cRow + c]! + acc[c]! : acc[c]!;
        }
      }
    }
  },
});
export default matmulKernel;
