import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import type { Device } from "../../engine/device.ts";
import { matmul, type MatmulShape } from "../../engine/matmul.ts";
import { poisoned, randomFloats, withDevices } from "../_devices.ts";
import { testNeeding } from "../_needs.ts";

/** float64 reference of op(A) op(B) (+ C). */
function reference(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  s: MatmulShape,
): Float64Array {
  const out = new Float64Array(s.m * s.n);
  const ao = s.aOffset ?? 0, bo = s.bOffset ?? 0, co = s.cOffset ?? 0;
  for (let i = 0; i < s.m; i++) {
    for (let j = 0; j < s.n; j++) {
      let acc = s.accumulate ? c[co + i * s.n + j]! : 0;
      for (let p = 0; p < s.k; p++) {
        const x = s.transA ? a[ao + p * s.m + i]! : a[ao + i * s.k + p]!;
        const y = s.transB ? b[bo + j * s.k + p]! : b[bo + p * s.n + j]!;
        acc += x * y;
      }
      out[i * s.n + j] = acc;
    }
  }
  return out;
}

async function run(
  device: Device,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array | undefined,
  s: MatmulShape,
): Promise<Float32Array> {
  const ab = device.createBuffer(a.byteLength, "a");
  const bb = device.createBuffer(b.byteLength, "b");
  // (a zero-length queue write panics Deno's WebGPU; skip empty operands)
  if (a.length > 0) device.write(ab, a);
  if (b.length > 0) device.write(bb, b);
  const cOff = s.cOffset ?? 0;
  const cb = poisoned(device, cOff + s.m * s.n, "c");
  if (c) device.write(cb, c);
  matmul(device, ab, bb, cb, s);
  const out = await device.read(cb, "f32", cOff, s.m * s.n);
  for (const x of [ab, bb, cb]) device.release(x);
  return out;
}

function close(got: Float32Array, want: Float64Array, k: number, what: string): void {
  assert.equal(got.length, want.length);
  const tol = 1e-5 * Math.max(1, k);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      assert.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

const SHAPES: MatmulShape[] = [
  { m: 7, n: 5, k: 3 },
  { m: 33, n: 47, k: 64, transA: true },
  { m: 64, n: 30, k: 17, transB: true },
  { m: 9, n: 13, k: 21, transA: true, transB: true },
  { m: 50, n: 6, k: 40, accumulate: true, aOffset: 3, bOffset: 5, cOffset: 7 },
  { m: 1, n: 1, k: 1 },
  { m: 4, n: 3, k: 0, accumulate: true },
];

Deno.test("matmul() matches a float64 product for every transpose and accumulate flag on both backends", async () => {
  const noBlas = new CpuDevice({ threads: 1, blas: false });
  try {
    await withDevices(async (cpu, gpu) => {
      for (const [i, s] of SHAPES.entries()) {
        const a = randomFloats((s.aOffset ?? 0) + s.m * s.k, 10 + i);
        const b = randomFloats((s.bOffset ?? 0) + s.k * s.n, 20 + i);
        const c = s.accumulate ? randomFloats((s.cOffset ?? 0) + s.m * s.n, 30 + i) : undefined;
        const want = reference(a, b, c ?? new Float32Array(0), s);
        const what = JSON.stringify(s);
        close(await run(cpu, a, b, c, s), want, s.k, `cpu ${what}`);
        close(await run(noBlas, a, b, c, s), want, s.k, `cpu without BLAS ${what}`);
        if (gpu) close(await run(gpu, a, b, c, s), want, s.k, `webgpu ${what}`);
      }
    });
  } finally {
    noBlas.destroy();
  }
});

await testNeeding(
  ["openblas"],
  "CpuDevice uses OpenBLAS when the library is present and says so",
  () => {
    const device = new CpuDevice({ threads: 1 });
    try {
      assert.match(device.description, /OpenBLAS/);
    } finally {
      device.destroy();
    }
  },
);

Deno.test("Blas.open() reports a missing library in one line", async () => {
  const { Blas } = await import("../../engine/blas.ts");
  const lines: string[] = [];
  assert.equal(Blas.open((l) => lines.push(l), "libnot-a-blas.so.9"), undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /libnot-a-blas\.so\.9 not available/);
});

Deno.test("matmul() rejects an operand too small for its shape", async () => {
  const device = new CpuDevice({ threads: 1 });
  try {
    const a = device.createBuffer(8, "a");
    assert.throws(
      () => matmul(device, a, a, a, { m: 2, n: 2, k: 2 }),
      /operand A \("a", 8 bytes\) is too small for 4 values/,
    );
    await Promise.resolve();
  } finally {
    device.destroy();
  }
});

/** The model's products (in 100, hidden 256, 47 classes), with ragged row counts. */
const MODEL_SHAPES: MatmulShape[] = [
  { m: 301, n: 256, k: 200 },
  { m: 203, n: 47, k: 512 },
  { m: 512, n: 47, k: 203, transA: true },
  { m: 200, n: 256, k: 301, transA: true },
  { m: 203, n: 512, k: 47, transB: true },
  { m: 101, n: 512, k: 256, transB: true },
  { m: 35, n: 21, k: 9, accumulate: true, aOffset: 1, bOffset: 2, cOffset: 3 },
];

Deno.test("without OpenBLAS, matmul() matches a float64 product on the model's shapes on 1 and 2 threads, in WebAssembly and in TypeScript", async () => {
  const cases = MODEL_SHAPES.map((s, i) => {
    const a = randomFloats((s.aOffset ?? 0) + s.m * s.k, 40 + i);
    const b = randomFloats((s.bOffset ?? 0) + s.k * s.n, 50 + i);
    const c = s.accumulate ? randomFloats((s.cOffset ?? 0) + s.m * s.n, 60 + i) : undefined;
    return { s, a, b, c, want: reference(a, b, c ?? new Float32Array(0), s) };
  });
  for (const threads of [1, 2]) {
    for (const wasm of [true, false]) {
      const device = new CpuDevice({ threads, blas: false, wasm });
      try {
        assert.equal(/WebAssembly/.test(device.description), wasm, device.description);
        for (const { s, a, b, c, want } of cases) {
          const what = `${device.description} ${JSON.stringify(s)}`;
          close(await run(device, a, b, c, s), want, s.k, what);
        }
      } finally {
        device.destroy();
      }
    }
  }
});

Deno.test("matmul() in WebAssembly agrees with OpenBLAS on the model's shapes where the library loads", async () => {
  const blas = new CpuDevice({ threads: 2, notice: () => {} });
  const own = new CpuDevice({ threads: 2, blas: false });
  try {
    if (!/OpenBLAS/.test(blas.description)) return; // nothing to compare with here
    for (const [i, s] of MODEL_SHAPES.entries()) {
      const a = randomFloats((s.aOffset ?? 0) + s.m * s.k, 70 + i);
      const b = randomFloats((s.bOffset ?? 0) + s.k * s.n, 80 + i);
      const c = s.accumulate ? randomFloats((s.cOffset ?? 0) + s.m * s.n, 90 + i) : undefined;
      const want = Float64Array.from(await run(blas, a, b, c, s));
      close(await run(own, a, b, c, s), want, s.k, `WebAssembly vs OpenBLAS ${JSON.stringify(s)}`);
    }
  } finally {
    blas.destroy();
    own.destroy();
  }
});

Deno.test("WEBGNN_OPENBLAS names the library, and one that does not load runs as without OpenBLAS", async () => {
  const { Blas } = await import("../../engine/blas.ts");
  const before = Deno.env.get("WEBGNN_OPENBLAS");
  Deno.env.set("WEBGNN_OPENBLAS", "none");
  try {
    const lines: string[] = [];
    const device = new CpuDevice({ threads: 1, notice: (l) => lines.push(l) });
    device.destroy();
    assert.doesNotMatch(device.description, /OpenBLAS/);
    assert.match(lines.join("\n"), /^webgnn: none not available/);
    assert.equal(Blas.open(() => {}), undefined);
  } finally {
    if (before === undefined) Deno.env.delete("WEBGNN_OPENBLAS");
    else Deno.env.set("WEBGNN_OPENBLAS", before);
  }
});
