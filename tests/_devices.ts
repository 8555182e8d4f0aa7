// Test helpers: the backends every kernel test runs on, and seeded random data.
import type { Device } from "../engine/device.ts";
import { CpuDevice } from "../engine/cpu_device.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";

/**
 * Runs `fn` on the CPU backend (two threads, so Workers run too) and on
 * WebGPU (the software adapter on machines without a GPU). Set
 * `WEBGNN_TEST_BACKENDS=cpu` to skip WebGPU on a machine with no adapter.
 */
export async function withDevices(
  fn: (cpu: Device, gpu: Device | undefined) => Promise<void> | void,
): Promise<void> {
  const cpu = new CpuDevice({ threads: 2 });
  const wantGpu = (Deno.env.get("WEBGNN_TEST_BACKENDS") ?? "cpu,webgpu")
    .includes("webgpu");
  const gpu = wantGpu ? await WebGpuDevice.create() : undefined;
  if (wantGpu && !gpu) {
    throw new Error(
      "no WebGPU adapter: install mesa-vulkan-drivers or set WEBGNN_TEST_BACKENDS=cpu",
    );
  }
  try {
    await fn(cpu, gpu);
  } finally {
    cpu.destroy();
    gpu?.destroy();
  }
}

/** A small deterministic generator (mulberry32) for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random floats in [-1, 1). */
export function randomFloats(
  n: number,
  seed: number,
): Float32Array<ArrayBuffer> {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** A buffer of `n` float32 NaNs, so that an element a kernel fails to write fails the test. */
export function poisoned(device: Device, n: number, label: string) {
  const b = device.createBuffer(n * 4, label);
  device.write(b, new Float32Array(n).fill(Number.NaN));
  return b;
}
