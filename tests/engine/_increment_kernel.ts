// Test kernel for the CPU worker pool: adds one to every value, so a block
// run twice (or by a Worker acting on another dispatch) shows in the sums.
import { defineKernel } from "../../engine/kernel.ts";

const incrementKernel = defineKernel({
  name: "test_increment",
  module: import.meta.url,
  wgsl: "fn main() {}",
  bindings: [{ name: "data", type: "i32", access: "read_write" }],
  uniforms: [{ name: "n", type: "u32" }],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers: { data }, begin, end }) => {
    for (let i = begin; i < end; i++) data[i]! += 1;
  },
});
export default incrementKernel;
