import assert from "node:assert/strict";
import { Arena } from "../../../engine/arena.ts";
import matmulKernel, { MATMUL_TILE } from "../../../engine/kernels/matmul.ts";
import { WasmKernels } from "../../../engine/wasm_kernels.ts";
import { randomFloats, rng } from "../../_devices.ts";

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

/** Shapes the model uses, ragged edges in every dimension, and random ones. */
function cases(): Case[] {
  const fixed: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 2],
    [4, 8, 4],
    [5, 9, 3],
    [7, 47, 300],
    [33, 47, 512],
    [64, 256, 200],
    [13, 7, 600],
    [9, 1, 11],
  ];
  const r = rng(41);
  const pick = (max: number) => 1 + Math.floor(r() * max);
  for (let i = 0; i < 12; i++) fixed.push([pick(70), pick(70), pick(300)]);
  const out: Case[] = [];
  for (const [m, n, k] of fixed) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true]]) {
      out.push({ m, n, k, transA: transA!, transB: transB!, accumulate: (m + n + k) % 2 === 1 });
    }
  }
  return out;
}

/**
 * Runs the WebAssembly matmul (relaxed or plain SIMD) on operands in an
 * arena, at element offsets, over `parts` uneven ranges of whole tile rows,
 * and the TypeScript loop on copies; C is random when accumulating and NaN
 * otherwise, with NaN guards around it that must stay NaN.
 */
function runBoth(
  c: Case,
  relaxed: boolean,
  parts: number,
): { wasm: Float32Array; ts: Float32Array } {
  const arena = new Arena(64 << 20);
  const off = { A: 3, B: 5, C: 7 };
  const lens = { A: c.m * c.k, B: c.k * c.n, C: c.m * c.n };
  type Operand = "A" | "B" | "C";
  const addresses = {} as Record<Operand, number>, wasm = {} as Record<Operand, Float32Array>;
  const ts = {} as Record<Operand, Float32Array>;
  for (const [i, name] of (["A", "B", "C"] as const).entries()) {
    const len = off[name] + lens[name] + 8;
    const host = name === "C" && !c.accumulate
      ? new Float32Array(len).fill(NaN)
      : randomFloats(len, 100 + i + c.m * 7 + c.n * 13 + c.k);
    if (name === "C") host.fill(NaN, 0, off.C).fill(NaN, off.C + lens.C);
    const at = arena.allocate(Math.ceil(len * 4 / 16) * 16)!.offset;
    wasm[name] = new Float32Array(arena.buffer, at, len);
    wasm[name].set(host);
    ts[name] = host.slice();
    addresses[name] = at;
  }
  const uniforms = {
    m: c.m,
    n: c.n,
    k: c.k,
    trans_a: c.transA ? 1 : 0,
    trans_b: c.transB ? 1 : 0,
    lda: c.transA ? c.m : c.k,
    ldb: c.transB ? c.k : c.n,
    ldc: c.n,
    a_off: off.A,
    b_off: off.B,
    c_off: off.C,
    accumulate: c.accumulate ? 1 : 0,
  };
  const run = new WasmKernels(arena.memory, { relaxed }).run("matmul");
  assert.ok(run, "matmul has a WebAssembly module that runs here");
  const tilesN = Math.ceil(c.n / MATMUL_TILE), tilesM = Math.ceil(c.m / MATMUL_TILE);
  const cuts = [
    0,
    ...Array.from({ length: parts - 1 }, (_, i) => Math.floor(tilesM * (i + 1) / (parts + 1))),
    tilesM,
  ];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const begin = cuts[i]! * tilesN, end = cuts[i + 1]! * tilesN;
    if (begin === end) continue;
    assert.ok(
      matmulKernel.wasm!({ run, addresses, uniforms, begin, end }),
      `${begin}..${end} taken`,
    );
  }
  matmulKernel.cpu({ buffers: ts, uniforms, begin: 0, end: tilesM * tilesN });
  return { wasm: wasm.C, ts: ts.C };
}

for (const relaxed of [true, false]) {
  const what = relaxed ? "relaxed-SIMD fused multiply-add" : "plain SIMD";
  Deno.test(`matmul: WebAssembly (${what}) agrees with TypeScript on ragged shapes, every transpose the model uses`, () => {
    for (const c of cases()) {
      for (const parts of [1, 3]) {
        const { wasm, ts } = runBoth(c, relaxed, parts);
        const label = `${JSON.stringify(c)} in ${parts} ranges`;
        const tol = 1e-5 * Math.max(1, c.k);
        for (let i = 0; i < ts.length; i++) {
          const [x, y] = [wasm[i]!, ts[i]!];
          if (Number.isNaN(y) ? !Number.isNaN(x) : !(Math.abs(x - y) <= tol)) {
            assert.fail(`${label}: C[${i}] is ${x}, expected ${y}`);
          }
        }
      }
    }
  });
}

Deno.test("matmul: WebAssembly leaves A^T B^T and k = 0 to the TypeScript loop", () => {
  const arena = new Arena(1 << 20);
  const run = new WasmKernels(arena.memory).run("matmul")!;
  const uniforms = {
    m: 4,
    n: 4,
    k: 4,
    trans_a: 1,
    trans_b: 1,
    lda: 4,
    ldb: 4,
    ldc: 4,
    a_off: 0,
    b_off: 0,
    c_off: 0,
    accumulate: 0,
  };
  const addresses = { A: 0, B: 64, C: 128 };
  assert.equal(matmulKernel.wasm!({ run, addresses, uniforms, begin: 0, end: 1 }), false);
  assert.equal(
    matmulKernel.wasm!({
      run,
      addresses,
      uniforms: { ...uniforms, trans_b: 0, k: 0 },
      begin: 0,
      end: 1,
    }),
    false,
  );
});
