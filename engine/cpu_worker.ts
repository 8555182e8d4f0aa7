/// <reference lib="deno.worker" />
// Runs blocks of a kernel's CPU implementation per message (see worker_pool.ts).
import type { KernelSpec } from "./kernel.ts";
import { type PoolJob, runBlocks } from "./worker_pool.ts";
import { WasmKernels } from "./wasm_kernels.ts";

interface Message extends PoolJob {
  readonly module: string;
  readonly invocations: number;
  readonly grain: number;
  readonly status: Int32Array;
  readonly message: Uint8Array;
}

const kernels = new Map<string, KernelSpec>();
/** This Worker's WebAssembly kernels, over the memory of the pool's first message. */
let wasm: WasmKernels | undefined;

self.onmessage = async (e: MessageEvent<Message | { memory: WebAssembly.Memory }>) => {
  if ("memory" in e.data) {
    wasm = new WasmKernels(e.data.memory);
    return;
  }
  const m = e.data;
  try {
    let kernel = kernels.get(m.module);
    if (!kernel) {
      kernel = (await import(m.module)).default as KernelSpec;
      if (!kernel?.cpu) {
        throw new Error(`${m.module} has no default-exported kernel`);
      }
      kernels.set(m.module, kernel);
    }
    runBlocks(kernel, m, m.invocations, m.grain, m.status, wasm);
  } catch (err) {
    const text = new TextEncoder().encode(
      String(err instanceof Error ? err.stack ?? err.message : err),
    );
    m.message.fill(0);
    m.message.set(text.subarray(0, m.message.length));
    Atomics.store(m.status, 1, 1);
  }
  Atomics.add(m.status, 0, 1);
  Atomics.notify(m.status, 0);
};
