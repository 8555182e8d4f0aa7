// Dense-layer throughput: the CPU backend's matmul (OpenBLAS, else WebAssembly SIMD), the WGSL
// matmul and a plain TypeScript loop, at GraphSAGE's shapes. Besides deno
// bench's table, prints GFLOP/s per case when the run ends.
import { CpuDevice } from "../engine/cpu_device.ts";
import type { Device, DeviceBuffer } from "../engine/device.ts";
import { matmul, type MatmulShape } from "../engine/matmul.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";

const SHAPES: { name: string; shape: MatmulShape }[] = [
  { name: "8192x256 * 256x256", shape: { m: 8192, n: 256, k: 256 } },
  { name: "100000x200 * 200x256 (layer 0 forward)", shape: { m: 100000, n: 256, k: 200 } },
  {
    name: "200x100000 * 100000x256 (layer 0 weight gradient)",
    shape: { m: 200, n: 256, k: 100000, transA: true },
  },
];

const cpu = new CpuDevice();
const gpu = await WebGpuDevice.create();
const best = new Map<string, number>();
globalThis.addEventListener("unload", () => {
  console.log("\nGFLOP/s (best iteration):");
  for (const [name, gflops] of best) console.log(`  ${gflops.toFixed(2).padStart(8)}  ${name}`);
  cpu.destroy();
  gpu?.destroy();
});

function record(name: string, shape: MatmulShape, ms: number): void {
  const gflops = 2 * shape.m * shape.n * shape.k / ms / 1e6;
  best.set(name, Math.max(best.get(name) ?? 0, gflops));
}

function operands(device: Device, s: MatmulShape): [DeviceBuffer, DeviceBuffer, DeviceBuffer] {
  const fill = (n: number, label: string) => {
    const b = device.createBuffer(n * 4, label);
    device.write(b, Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5));
    return b;
  };
  return [fill(s.m * s.k, "a"), fill(s.k * s.n, "b"), device.createBuffer(s.m * s.n * 4, "c")];
}

/** The plain loop: C = A B, i-k-j order, row-major (transposes are read with strides). */
function tsMatmul(a: Float32Array, b: Float32Array, c: Float32Array, s: MatmulShape): void {
  const { m, n, k } = s;
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const x = s.transA ? a[p * m + i]! : a[i * k + p]!;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[row + j]! += x * b[bRow + j]!;
    }
  }
}

for (const { name, shape } of SHAPES) {
  const [ca, cb, cc] = operands(cpu, shape);
  Deno.bench(`cpu backend (${cpu.description}): ${name}`, { group: name, n: 5, warmup: 1 }, () => {
    const t = performance.now();
    matmul(cpu, ca, cb, cc, shape);
    record(`${cpu.description}: ${name}`, shape, performance.now() - t);
  });
  if (gpu) {
    const [ga, gb, gc] = operands(gpu, shape);
    matmul(gpu, ga, gb, gc, shape); // compile outside the timed region
    await gpu.read(gc, "f32", 0, 1);
    Deno.bench(
      `webgpu (${gpu.description}): ${name}`,
      { group: name, n: 2, warmup: 0 },
      async () => {
        const t = performance.now();
        matmul(gpu, ga, gb, gc, shape);
        await gpu.read(gc, "f32", 0, 1);
        record(`WGSL, 4x4 register tiles: ${name}`, shape, performance.now() - t);
      },
    );
  }
  const a = new Float32Array(shape.m * shape.k).fill(0.5);
  const b = new Float32Array(shape.k * shape.n).fill(0.25);
  const c = new Float32Array(shape.m * shape.n);
  Deno.bench(`typescript loop: ${name}`, { group: name, n: 1, warmup: 0 }, () => {
    const t = performance.now();
    tsMatmul(a, b, c, shape);
    record(`plain TypeScript loop, one thread: ${name}`, shape, performance.now() - t);
  });
}
