// Test helpers: the backends every kernel test runs on, and seeded random data.
import type { Device } from "../engine/device.ts";
import { CpuDevice } from "../engine/cpu_device.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";
import { missing, reasonLine, requireAll } from "./_needs.ts";

export { randomFloats, rng } from "./_random.ts";

const wantGpu = (Deno.env.get("WEBGNN_TEST_BACKENDS") ?? "cpu,webgpu").includes("webgpu");
const noAdapter = wantGpu && await missing("webgpu");
// The CPU backend's products fall back to TypeScript without OpenBLAS: said
// once per run here instead of once per device.
await missing("openblas");
if (noAdapter && !requireAll()) {
  // withDevices runs the CPU half of this module's kernel tests; the WebGPU
  // half is what is skipped, and it is counted here, once per module.
  Deno.test({ name: "the WebGPU half of this file's kernel tests", ignore: true, fn() {} });
}

/**
 * Runs `fn` on the CPU backend (two threads, so Workers run too) and on
 * WebGPU (the software adapter on machines without a GPU), both filling
 * uninitialised buffers with 0xff bytes (NaN, -1), so that a kernel that
 * leaves an element of one unwritten fails the test. Where there is no
 * adapter `fn` gets no WebGPU device (the skip is counted above) unless
 * `WEBGNN_REQUIRE_ALL=1` makes that a failure. `WEBGNN_TEST_BACKENDS=cpu`
 * runs the CPU backend alone.
 */
export async function withDevices(
  fn: (cpu: Device, gpu: Device | undefined) => Promise<void> | void,
): Promise<void> {
  if (noAdapter && requireAll()) throw new Error(reasonLine("webgpu"));
  const cpu = new CpuDevice({ threads: 2, notice: () => {}, poison: true });
  const gpu = wantGpu && !noAdapter ? await WebGpuDevice.create({ poison: true }) : undefined;
  if (wantGpu && !noAdapter && !gpu) {
    cpu.destroy();
    throw new Error("a WebGPU adapter was found but WebGpuDevice.create() gave no device");
  }
  try {
    await fn(cpu, gpu);
  } finally {
    cpu.destroy();
    gpu?.destroy();
  }
}

/** A buffer of `n` float32 NaNs, so that an element a kernel fails to write fails the test. */
export function poisoned(device: Device, n: number, label: string) {
  const b = device.createBuffer(n * 4, label);
  device.write(b, new Float32Array(n).fill(Number.NaN));
  return b;
}
