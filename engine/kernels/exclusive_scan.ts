import wgsl from "../../shaders/exclusive_scan.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * In-place exclusive prefix sum: `data[0..n)` becomes offsets and `data[n]`
 * the total, so counts turn into CSR offsets. One workgroup, which is plenty
 * for the frontier sizes of one minibatch.
 *
 * @example
 * ```ts
 * import exclusiveScanKernel from "./exclusive_scan.ts";
 * const data = new Int32Array([3, 1, 2, 0]);
 * exclusiveScanKernel.cpu({ buffers: { data }, uniforms: { n: 3 }, begin: 0, end: 1 });
 * console.log(Array.from(data)); // [0, 3, 4, 6]
 * ```
 */
const exclusiveScanKernel = defineKernel({
  name: "exclusive_scan",
  wgsl,
  customEntry: true,
  workgroupSize: 256,
  bindings: [{ name: "data", type: "i32", access: "read_write" }],
  uniforms: [{ name: "n", type: "u32" }],
  invocations: () => 256,
  cpu: ({ buffers: { data }, uniforms: { n }, begin }) => {
    if (begin > 0) return;
    let run = 0;
    for (let k = 0; k < n; k++) {
      const x = data[k]!;
      data[k] = run;
      run += x;
    }
    data[n] = run;
  },
});
export default exclusiveScanKernel;
