// Test helper: one dispatch of a kernel descriptor on host arrays.
import type { Device } from "../../engine/device.ts";
import type { KernelSpec } from "../../engine/kernel.ts";

/**
 * Uploads `inputs` (each binding's initial contents; a number is that many
 * NaNs, a poisoned output), dispatches `kernel` once and reads back every
 * binding as float32 or int32 by its declared type.
 */
export async function runKernel<B extends string, U extends string>(
  device: Device,
  kernel: KernelSpec<B, U>,
  inputs: Readonly<Record<B, Float32Array | Int32Array | number>>,
  uniforms: Readonly<Record<U, number>>,
): Promise<Record<B, Float32Array | Int32Array>> {
  const buffers = {} as Record<B, ReturnType<Device["createBuffer"]>>;
  for (const b of kernel.bindings) {
    const x = inputs[b.name] as Float32Array | Int32Array | number;
    const data = typeof x === "number" ? new Float32Array(x).fill(Number.NaN) : x;
    const buf = device.createBuffer(Math.max(4, data.byteLength), b.name);
    if (data.byteLength > 0) device.write(buf, data);
    buffers[b.name] = buf;
  }
  device.dispatch(kernel, buffers, uniforms);
  const out = {} as Record<B, Float32Array | Int32Array>;
  for (const b of kernel.bindings) {
    const x = inputs[b.name] as Float32Array | Int32Array | number;
    const n = typeof x === "number" ? x : x.length;
    out[b.name] = await device.read(buffers[b.name], b.type === "f32" ? "f32" : "i32", 0, n);
    device.release(buffers[b.name]);
  }
  return out;
}
