import assert from "node:assert/strict";
import { assembleWasmModules, WASM_MODULES_FILE } from "../../cli/assemble_wasm.ts";
import { Arena } from "../../engine/arena.ts";
import { CpuDevice } from "../../engine/cpu_device.ts";
import type { KernelSpec } from "../../engine/kernel.ts";
import { ACTIVATION_CHUNK_ROWS } from "../../engine/kernels/activation_backward.ts";
import biasActivationKernel from "../../engine/kernels/bias_activation.ts";
import gatherRowsKernel from "../../engine/kernels/gather_rows.ts";
import meanAggregateKernel from "../../engine/kernels/mean_aggregate.ts";
import meanAggregateBackwardActivationKernel from "../../engine/kernels/mean_aggregate_backward_activation.ts";
import sampleNeighborsKernel from "../../engine/kernels/sample_neighbors.ts";
import sampleNeighborsWeightedKernel from "../../engine/kernels/sample_neighbors_weighted.ts";
import { WasmKernels } from "../../engine/wasm_kernels.ts";
import { randomFloats, rng } from "../_random.ts";
import { assertClose, type HostBlock, randomBlock } from "./_blocks.ts";

type Arrays = Record<string, Float32Array | Int32Array>;

/**
 * Runs `kernel`'s WebAssembly implementation on copies of `inputs` in an
 * arena and its TypeScript one on other copies, both over invocations
 * `[begin, end)` of every range in `ranges`, outputs poisoned with NaN; returns both.
 */
function runBoth(
  kernel: KernelSpec,
  inputs: Arrays,
  uniforms: Record<string, number>,
  ranges: [number, number][],
): { wasm: Arrays; ts: Arrays } {
  const arena = new Arena(256 << 20);
  const wasm: Arrays = {}, ts: Arrays = {}, addresses: Record<string, number> = {};
  for (const [name, a] of Object.entries(inputs)) {
    const at = arena.allocate(Math.ceil(a.byteLength / 16) * 16)!.offset;
    const view = new (a.constructor as Float32ArrayConstructor)(arena.buffer, at, a.length);
    view.set(a as Float32Array);
    wasm[name] = view;
    ts[name] = a.slice();
    addresses[name] = at;
  }
  const run = new WasmKernels(arena.memory).run(kernel.name);
  assert.ok(run, `${kernel.name} has a WebAssembly module that runs here`);
  for (const [begin, end] of ranges) {
    assert.ok(kernel.wasm!({ run, addresses, uniforms, begin, end }), `${begin}..${end} taken`);
    kernel.cpu({ buffers: ts, uniforms, begin, end });
  }
  return { wasm, ts };
}

/** Whole-row ranges splitting `rows` rows of `dim` invocations unevenly. */
function rowRanges(rows: number, dim: number): [number, number][] {
  const cut = Math.floor(rows / 3);
  return [[0, cut * dim], [cut * dim, rows * dim]];
}

function transposed(b: HostBlock): { t_indptr: Int32Array; t_dst: Int32Array } {
  const t_indptr = new Int32Array(b.numSrc + 1);
  for (const s of b.indices) t_indptr[s + 1]!++;
  for (let s = 0; s < b.numSrc; s++) t_indptr[s + 1]! += t_indptr[s]!;
  const fill = t_indptr.slice(0, b.numSrc), t_dst = new Int32Array(b.indices.length);
  for (let d = 0; d < b.numDst; d++) {
    for (let j = b.indptr[d]!; j < b.indptr[d + 1]!; j++) t_dst[fill[b.indices[j]!]!++] = d;
  }
  return { t_indptr, t_dst };
}

Deno.test("the committed WebAssembly modules are the assembled shaders/*.wat", async () => {
  assert.equal(
    Deno.readTextFileSync(WASM_MODULES_FILE),
    await assembleWasmModules(),
    "run `deno task wasm` after editing shaders/*.wat",
  );
});

Deno.test("mean_aggregate: WebAssembly agrees with TypeScript on random blocks", () => {
  for (
    const [numDst, numSrc, maxDeg, dim] of [[700, 1500, 9, 100], [40, 90, 4, 36], [9, 9, 0, 4]]
  ) {
    const b = randomBlock(numDst!, numSrc!, maxDeg!, dim!);
    for (const concat of [0, 1]) {
      const { wasm, ts } = runBoth(
        meanAggregateKernel,
        {
          h: randomFloats(numSrc! * dim!, 3),
          indptr: b.indptr,
          indices: b.indices,
          out: new Float32Array(numDst! * dim! * (1 + concat)).fill(NaN),
        },
        { num_dst: numDst!, dim: dim!, concat, self_begin: numSrc! - numDst! },
        rowRanges(numDst!, dim!),
      );
      assertClose(wasm.out!, ts.out!, `dim ${dim} concat ${concat}`, 1e-6, 1e-5);
    }
  }
});

Deno.test("mean_aggregate_backward_activation: WebAssembly agrees with TypeScript under ReLU and dropout", () => {
  for (const [numDst, numSrc, dim] of [[300, 2 * ACTIVATION_CHUNK_ROWS + 37, 256], [50, 140, 36]]) {
    const b = randomBlock(numDst!, numSrc!, 7, dim!);
    const chunks = Math.ceil(numSrc! / ACTIVATION_CHUNK_ROWS);
    for (const [concat, p] of [[1, 0.5], [0, 0], [1, 0]]) {
      const { wasm, ts } = runBoth(meanAggregateBackwardActivationKernel, {
        grad: randomFloats(numDst! * dim! * (1 + concat!), 4),
        indptr: b.indptr,
        indices: b.indices,
        ...transposed(b),
        // A ReLU + dropout output: zeros where masked.
        y: randomFloats(numSrc! * dim!, 5).map((v) => Math.max(v, 0)),
        dh: new Float32Array(numSrc! * dim!).fill(NaN),
        partial: new Float32Array(chunks * dim!).fill(NaN),
      }, {
        num_src: numSrc!,
        num_dst: numDst!,
        dim: dim!,
        concat: concat!,
        relu: 1,
        p: p!,
        seed: 7,
      }, rowRanges(chunks, dim!));
      const what = `dim ${dim} concat ${concat} p ${p}`;
      assertClose(wasm.dh!, ts.dh!, `${what} dh`, 1e-6, 1e-5);
      assertClose(wasm.partial!, ts.partial!, `${what} column sums`, 1e-5, 1e-5);
    }
  }
});

Deno.test("bias_activation: WebAssembly agrees with TypeScript with and without ReLU and dropout", () => {
  for (const [rows, dim] of [[300, 256], [33, 36]]) {
    for (const [relu, p] of [[1, 0.5], [1, 0], [0, 0.3], [0, 0]]) {
      const biasOff = 5;
      const { wasm, ts } = runBoth(
        biasActivationKernel,
        {
          y: randomFloats(rows! * dim!, 8),
          bias: randomFloats(biasOff + dim!, 9),
        },
        { rows: rows!, dim: dim!, bias_off: biasOff, relu: relu!, p: p!, seed: 10 },
        rowRanges(rows!, dim!),
      );
      const what = `dim ${dim} relu ${relu} p ${p}`;
      assertClose(wasm.y!, ts.y!, what, 0, 0);
      if (p! > 0) {
        const dropped = wasm.y!.filter((v) => v === 0).length / wasm.y!.length;
        assert.ok(dropped > p! - 0.05, `${what}: ${dropped} of the values dropped`);
      }
    }
  }
});

Deno.test("gather_rows: WebAssembly agrees with TypeScript, rows of other chunks left as they are", () => {
  const rows = 500, dim = 100, ids = 700, lo = 1000;
  const r = rng(12);
  const { wasm, ts } = runBoth(
    gatherRowsKernel,
    {
      table: randomFloats(rows * dim, 11),
      // A quarter of the ids fall outside this chunk's [lo, lo + rows).
      ids: Int32Array.from({ length: ids }, () => lo - rows / 4 + Math.floor(r() * rows * 1.5)),
      out: new Float32Array(ids * dim).fill(NaN),
    },
    { num_ids: ids, dim, row_begin: lo, row_end: lo + rows },
    rowRanges(ids, dim),
  );
  assert.deepEqual(wasm.out, ts.out, "gathered rows, NaN where another chunk's");
  assert.ok(wasm.out!.some(Number.isNaN) && wasm.out!.some((v) => !Number.isNaN(v)));
});

Deno.test("sample_neighbors: WebAssembly draws what TypeScript draws, and leaves chunked indices to it", () => {
  const nodes = 3000, fanout = 10, numSeeds = 2500;
  const r = rng(21);
  // Degrees from 0 to 60: below, at and above the fan-out.
  const indptr = new Int32Array(nodes + 1);
  for (let v = 0; v < nodes; v++) indptr[v + 1] = indptr[v]! + Math.floor(r() * r() * 61);
  const edges = indptr[nodes]!;
  const indices = Int32Array.from({ length: edges }, () => Math.floor(r() * nodes));
  const seeds = Int32Array.from({ length: numSeeds }, () => Math.floor(r() * nodes));
  const offsets = new Int32Array(numSeeds + 1);
  for (let i = 0; i < numSeeds; i++) {
    const v = seeds[i]!;
    offsets[i + 1] = offsets[i]! + Math.min(fanout, indptr[v + 1]! - indptr[v]!);
  }
  const inputs = {
    indptr,
    seeds,
    offsets,
    out: new Int32Array(numSeeds * fanout).fill(-7),
    idx0: indices,
  };
  const uniforms = { num_seeds: numSeeds, seed: 0x9e3779b9, chunk: edges };
  const ranges: [number, number][] = [[0, 700], [700, 2401], [2401, numSeeds]];
  const arena = new Arena(64 << 20);
  const addresses: Record<string, number> = {};
  const views: Record<string, Int32Array> = {};
  for (const [name, a] of Object.entries(inputs)) {
    const at = arena.allocate(Math.ceil(a.byteLength / 16) * 16)!.offset;
    views[name] = new Int32Array(arena.buffer, at, a.length);
    views[name]!.set(a);
    addresses[name] = at;
  }
  for (const k of ["idx1", "idx2", "idx3"]) addresses[k] = addresses.idx0!;
  const kernel: KernelSpec = sampleNeighborsKernel;
  const run = new WasmKernels(arena.memory).run(kernel.name);
  assert.ok(run, "sample_neighbors has a WebAssembly module that runs here");
  const ts = inputs.out.slice();
  const buffers = { ...inputs, out: ts, idx1: indices, idx2: indices, idx3: indices };
  for (const [begin, end] of ranges) {
    assert.ok(kernel.wasm!({ run, addresses, uniforms, begin, end }));
    kernel.cpu({ buffers, uniforms, begin, end });
  }
  assert.deepEqual(views.out!.subarray(0, offsets[numSeeds]!), ts.subarray(0, offsets[numSeeds]!));
  assert.ok(
    views.out!.subarray(offsets[numSeeds]!).every((x) => x === -7),
    "nothing past the edges",
  );
  assert.ok(ts.subarray(0, offsets[numSeeds]!).every((x) => x >= 0 && x < nodes));
  const chunked = { ...addresses, idx1: addresses.idx0! + 16 };
  assert.equal(
    kernel.wasm!({ run, addresses: chunked, uniforms, begin: 0, end: 10 }),
    false,
    "a second chunk goes to TypeScript",
  );
});

Deno.test("CpuDevice: WebAssembly kernels run when supported, and never with wasm: false", () => {
  assert.ok(WasmKernels.supported(), "this runtime compiles the modules");
  const on = new CpuDevice({ threads: 1 }), off = new CpuDevice({ threads: 1, wasm: false });
  try {
    assert.match(on.description, /WebAssembly SIMD/);
    assert.doesNotMatch(off.description, /WebAssembly/);
  } finally {
    on.destroy();
    off.destroy();
  }
});

Deno.test("sample_neighbors_weighted: WebAssembly draws what TypeScript draws, and leaves chunks to it", () => {
  const nodes = 3000, numSeeds = 2500, most = 33;
  const r = rng(22);
  // Degrees from 0 to 60, and 3000 for nodes 0 to 99 (all seeds); weights a
  // fifth zero, the rest over six decades, equal for nodes below 100 and every
  // 5th: among 3000 equal weights the smallest keys tie often, also at the
  // k-th (ties go to the earlier edge), on some of the 18 seeds.
  const indptr = new Int32Array(nodes + 1), positive = new Int32Array(nodes + 1);
  for (let v = 0; v < nodes; v++) {
    indptr[v + 1] = indptr[v]! + (v < 100 ? 3000 : Math.floor(r() * r() * 61));
  }
  const edges = indptr[nodes]!;
  const indices = Int32Array.from({ length: edges }, () => Math.floor(r() * nodes));
  const factors = new Float32Array(edges);
  for (let v = 0; v < nodes; v++) {
    let p = 0;
    for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
      factors[e] = r() < 0.2 ? 0 : v % 5 === 0 || v < 100 ? 3 : 10 ** (r() * 6);
      if (factors[e]! > 0) p++;
    }
    positive[v + 1] = positive[v]! + p;
  }
  const seeds = Int32Array.from({ length: numSeeds }, () => Math.floor(r() * nodes));
  seeds.set(Array.from({ length: 100 }, (_, v) => v));
  seeds[150] = seeds[numSeeds - 1] = -1; // padding
  const inputs: Arrays = {
    indptr,
    positive,
    seeds,
    offsets: new Int32Array(numSeeds + 1),
    out: new Int32Array(numSeeds * most).fill(-7),
    keys: new Float32Array(numSeeds * most).fill(NaN),
    idx0: indices,
    w0: factors,
  };
  const ranges: [number, number][] = [[0, 700], [700, 2401], [2401, numSeeds]];
  const arena = new Arena(64 << 20);
  const addresses: Record<string, number> = {};
  const views: Arrays = {};
  for (const [name, a] of Object.entries(inputs)) {
    const at = arena.allocate(Math.ceil(a.byteLength / 16) * 16)!.offset;
    views[name] = new (a.constructor as Int32ArrayConstructor)(arena.buffer, at, a.length);
    views[name]!.set(a as Int32Array);
    addresses[name] = at;
  }
  for (const k of ["idx1", "idx2", "idx3"]) addresses[k] = addresses.idx0!;
  for (const k of ["w1", "w2", "w3"]) addresses[k] = addresses.w0!;
  const kernel: KernelSpec = sampleNeighborsWeightedKernel;
  const run = new WasmKernels(arena.memory).run(kernel.name);
  assert.ok(run, "sample_neighbors_weighted has a WebAssembly module that runs here");
  // Fan-outs at most 32 keep the smallest keys in vectors, larger ones by an insertion sort.
  for (const fanout of [10, most]) {
    const offsets = views.offsets as Int32Array;
    for (let i = 0; i < numSeeds; i++) {
      const v = seeds[i]!;
      offsets[i + 1] = offsets[i]! +
        (v < 0 ? 0 : Math.min(fanout, positive[v + 1]! - positive[v]!));
    }
    const total = offsets[numSeeds]!;
    for (const seed of [0x9e3779b9, 0xffffffff, ...Array.from({ length: 16 }, (_, s) => s)]) {
      views.out!.fill(-7);
      views.keys!.fill(NaN);
      const ts = (inputs.out as Int32Array).slice();
      const buffers = {
        ...inputs,
        offsets,
        out: ts,
        keys: (inputs.keys as Float32Array).slice(),
        ...{ idx1: indices, idx2: indices, idx3: indices, w1: factors, w2: factors, w3: factors },
      };
      const uniforms = { num_seeds: numSeeds, seed, chunk: edges };
      for (const [begin, end] of ranges) {
        assert.ok(kernel.wasm!({ run, addresses, uniforms, begin, end }));
        kernel.cpu({ buffers, uniforms, begin, end });
      }
      const at = `fan-out ${fanout}, seed ${seed}`;
      assert.deepEqual(views.out!.subarray(0, total), ts.subarray(0, total), at);
      assert.ok(views.out!.subarray(total).every((x) => x === -7), `${at}: nothing past the edges`);
      assert.ok(ts.subarray(0, total).every((x) => x >= 0 && x < nodes));
    }
  }
  for (const moved of ["idx2", "w1"]) {
    assert.equal(
      kernel.wasm!({
        run,
        addresses: { ...addresses, [moved]: addresses[moved]! + 16 },
        uniforms: { num_seeds: numSeeds, seed: 1, chunk: edges },
        begin: 0,
        end: 10,
      }),
      false,
      `a second chunk of ${moved} goes to TypeScript`,
    );
  }
});
