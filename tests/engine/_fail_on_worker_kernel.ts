// Test kernel for the CPU worker pool: marks each value with the thread
// that wrote it (1: the calling thread, 2: a Worker), or with `fail` set
// throws on a Worker. The calling thread waits 20 ms per block, so that a
// Worker that has loaded the module surely takes a block.
import { defineKernel } from "../../engine/kernel.ts";

const onWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope ===
  "function";

const failOnWorkerKernel = defineKernel({
  name: "test_fail_on_worker",
  module: import.meta.url,
  wgsl: "fn main() {}",
  bindings: [{ name: "data", type: "i32", access: "read_write" }],
  uniforms: [{ name: "n", type: "u32" }, { name: "fail", type: "u32" }],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers: { data }, uniforms: { fail }, begin, end }) => {
    if (onWorker && fail) throw new Error(`test failure in block ${begin}`);
    if (!onWorker) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    for (let i = begin; i < end; i++) data[i] = onWorker ? 2 : 1;
  },
});
export default failOnWorkerKernel;
