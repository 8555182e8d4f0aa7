import assert from "node:assert/strict";
import logSoftmaxNllKernel from "../../../engine/kernels/log_softmax_nll.ts";
import { randomFloats, rng, withDevices } from "../../_devices.ts";
import { assertClose, finiteDifferences } from "../_blocks.ts";
import { runKernel } from "../_run_kernel.ts";

/** float64 mean NLL of log_softmax over the first `batch` rows, and the hit count. */
function nll64(x: ArrayLike<number>, labels: Int32Array, batch: number, classes: number) {
  let total = 0, hits = 0;
  for (let r = 0; r < batch; r++) {
    const row = Array.from({ length: classes }, (_, c) => x[r * classes + c]!);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    total += lse - row[labels[r]!]!;
    if (row.indexOf(max) === labels[r]) hits++;
  }
  return { loss: total / batch, hits };
}

Deno.test("log_softmax_nll gives the mean loss, hits and the float64 finite-difference gradient", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const [rows, batch, classes] of [[700, 600, 47], [5, 3, 4], [1, 1, 2]] as const) {
      const r = rng(rows);
      const logits = randomFloats(rows * classes, rows).map((v) => 4 * v);
      const labels = Int32Array.from({ length: batch }, () => Math.floor(r() * classes));
      const u = { rows, batch, classes };
      const inputs = { logits, labels, grad: rows * classes, loss: 2 };
      const got = await runKernel(cpu, logSoftmaxNllKernel, inputs, u);
      const want = nll64(logits, labels, batch, classes);
      assertClose([got.loss[0]!], [want.loss], "loss", 1e-5, 1e-5);
      assert.equal(got.loss[1], want.hits);
      const at = Array.from({ length: 25 }, () => Math.floor(r() * rows * classes));
      const fd = finiteDifferences(
        (x) => nll64(x, labels, batch, classes).loss,
        Float64Array.from(logits),
        at,
      );
      assertClose(at.map((i) => got.grad[i]!), fd, "cpu gradient", 1e-6, 1e-4);
      for (let i = batch * classes; i < rows * classes; i++) assert.equal(got.grad[i], 0);
      if (gpu) {
        const g = await runKernel(gpu, logSoftmaxNllKernel, inputs, u);
        assertClose(g.loss, got.loss, "webgpu loss and hits", 1e-5, 1e-5);
        assertClose(g.grad, got.grad, "webgpu gradient", 1e-6, 1e-4);
      }
    }
  });
});
