import { CpuDevice } from "../engine/cpu_device.ts";
import { matmul, type MatmulShape } from "../engine/matmul.ts";
import type { BenchReport } from "./_report.ts";

/** The WebAssembly product's target: this share of OpenBLAS's GFLOP/s (issue 14). */
const WASM_TARGET = 0.25;

/** Sizes of the dense benchmark. */
export interface DenseBenchOptions {
  /** Destination rows of a layer (the products' long dimension). */
  readonly rows: number;
  /** CPU thread counts to measure the WebAssembly product on, e.g. [2, 1]. */
  readonly cpuThreads: readonly number[];
}

/**
 * The CPU backend's dense products at the reference model's shapes (100
 * input features, hidden 256, 47 classes; `[h_dst | mean]` doubles a
 * layer's input), forward, weight gradient and input gradient: GFLOP/s of
 * OpenBLAS (where it loads), of the WebAssembly product on each thread
 * count and of the TypeScript loop (one round, on one thread), all in one
 * run, then the seven together (a training step's dense work), the
 * WebAssembly figure on the most threads held to 25% of OpenBLAS's. Every
 * product is checked against the TypeScript loop's result.
 *
 * @example
 * ```ts ignore
 * import { BenchReport } from "./_report.ts";
 * import { measureDense } from "./_dense_section.ts";
 * const report = new BenchReport();
 * await measureDense(report, { rows: 256, cpuThreads: [1] }, 2);
 * console.log(report.table());
 * ```
 */
export async function measureDense(
  report: BenchReport,
  options: DenseBenchOptions,
  rounds: number,
): Promise<void> {
  const m = options.rows;
  const shapes: [string, MatmulShape][] = [
    ["layer 0 forward", { m, n: 256, k: 200 }],
    ["layer 1 forward", { m, n: 256, k: 512 }],
    ["layer 2 forward", { m, n: 47, k: 512 }],
    ["layer 1 weight gradient", { m: 512, n: 256, k: m, transA: true }],
    ["layer 2 weight gradient", { m: 512, n: 47, k: m, transA: true }],
    ["layer 1 input gradient", { m, n: 512, k: 256, transB: true }],
    ["layer 2 input gradient", { m, n: 512, k: 47, transB: true }],
  ];
  const ts = new CpuDevice({ threads: 1, blas: false, wasm: false });
  const most = Math.max(...options.cpuThreads);
  const blas = new CpuDevice({ threads: most, notice: () => {} });
  const wasm = options.cpuThreads.map((threads) => new CpuDevice({ threads, blas: false }));
  const targets: { name: string; device: CpuDevice; rounds: number }[] = [
    ...(blas.description.includes("OpenBLAS") ? [{ name: "OpenBLAS", device: blas, rounds }] : []),
    ...wasm.map((device, i) => ({
      name: `WebAssembly SIMD, ${options.cpuThreads[i]} thread${
        options.cpuThreads[i] === 1 ? "" : "s"
      }`,
      device,
      rounds,
    })),
    { name: "TypeScript loop, 1 thread (1 round)", device: ts, rounds: 0 },
  ];
  /** Per target, each round's time summed over the shapes: one step's dense work. */
  const totals = targets.map(() => [] as number[]);
  let flops = 0;
  try {
    for (const [label, s] of shapes) {
      const section = `dense ${label}: ${s.transA ? `(${s.k}x${s.m})^T` : `${s.m}x${s.k}`} * ${
        s.transB ? `(${s.n}x${s.k})^T` : `${s.k}x${s.n}`
      }`;
      const a = values(s.m * s.k, 1), b = values(s.k * s.n, 2);
      const results = [];
      for (const t of targets) {
        results.push({ t, ...await timeProduct(t.device, a, b, s, t.rounds) });
      }
      const want = results[results.length - 1]!.c;
      const gflops = (ms: number) => 2 * s.m * s.n * s.k / ms / 1e6;
      flops += 2 * s.m * s.n * s.k;
      results.forEach(({ ms }, i) =>
        ms.forEach((x, r) => totals[i]![r] = (totals[i]![r] ?? 0) + x)
      );
      for (const { t, ms, c } of results) {
        check(c, want, s.k, `${t.name}, ${section}`);
        const rates = ms.map(gflops);
        const first = report.rows.find((r) => r.section === section)?.name;
        const isWasm = t.name.startsWith("WebAssembly") &&
          t.device === wasm[options.cpuThreads.indexOf(most)];
        const note = isWasm && first === "OpenBLAS"
          ? targetNote(Math.max(...rates) / report.find(section, first)!.best!)
          : {};
        report.add({ section, ...median(rates), name: t.name, unit: "GFLOP/s", ...note }, first);
      }
    }
    const section =
      `dense, the ${shapes.length} products above together (a training step's dense work)`;
    targets.forEach((t, i) => {
      const rates = totals[i]!.map((ms) => flops / ms / 1e6);
      const first = targets[0]!.name;
      const note = t.device === wasm[options.cpuThreads.indexOf(most)] && first === "OpenBLAS"
        ? targetNote(Math.max(...rates) / report.find(section, first)!.best!)
        : {};
      report.add(
        { section, ...median(rates), name: t.name, unit: "GFLOP/s", ...note },
        i === 0 ? undefined : first,
      );
    });
  } finally {
    for (const d of [ts, blas, ...wasm]) d.destroy();
  }
}

/** Runs `C = op(A) op(B)` once to warm up (unless `rounds` is 0), then `max(1, rounds)` timed times. */
async function timeProduct(
  device: CpuDevice,
  a: Float32Array<ArrayBuffer>,
  b: Float32Array<ArrayBuffer>,
  s: MatmulShape,
  rounds: number,
): Promise<{ ms: number[]; c: Float32Array }> {
  const [ab, bb, cb] = [a.length, b.length, s.m * s.n].map((n) => device.createBuffer(n * 4, "x"));
  device.write(ab!, a);
  device.write(bb!, b);
  if (rounds > 0) matmul(device, ab!, bb!, cb!, s);
  const ms: number[] = [];
  for (let r = 0; r < Math.max(1, rounds); r++) {
    const t = performance.now();
    matmul(device, ab!, bb!, cb!, s);
    ms.push(performance.now() - t);
  }
  const c = await device.read(cb!, "f32", 0, s.m * s.n);
  for (const x of [ab!, bb!, cb!]) device.release(x);
  return { ms, c };
}

function values(n: number, seed: number): Float32Array<ArrayBuffer> {
  return Float32Array.from(
    { length: n },
    (_, i) => ((i * 7919 + seed * 104729) % 1000) / 1000 - 0.5,
  );
}

function check(got: Float32Array, want: Float32Array, k: number, what: string): void {
  const tol = 1e-5 * Math.max(1, k);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      throw new Error(`${what}: C[${i}] is ${got[i]}, the TypeScript loop gives ${want[i]}`);
    }
  }
}

function targetNote(ratio: number): { note: string } {
  return {
    note: `best ${ratio.toFixed(2)}x OpenBLAS's best; target >= ${WASM_TARGET}x: ${
      ratio >= WASM_TARGET ? "met" : "MISSED"
    }`,
  };
}

/** The median of higher-is-better figures, and the best. */
function median(samples: number[]): { value: number; samples: number[]; best: number } {
  const sorted = [...samples].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { value, samples, best: sorted[sorted.length - 1]! };
}
