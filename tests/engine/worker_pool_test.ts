import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import failOnWorkerKernel from "./_fail_on_worker_kernel.ts";
import incrementKernel from "./_increment_kernel.ts";

Deno.test("CPU dispatches on a Worker pool run every block exactly once, dispatch after dispatch", async () => {
  const device = new CpuDevice({ threads: 2, blas: false, poison: true });
  try {
    const n = 50_000, rounds = 200;
    const data = device.createBuffer(n * 4, "data");
    for (let r = 0; r < rounds; r++) device.dispatch(incrementKernel, { data }, { n });
    // Small dispatches too, which the calling thread may finish before a Worker wakes.
    for (let r = 0; r < rounds; r++) device.dispatch(incrementKernel, { data }, { n: 3000 });
    const got = await device.read(data, "i32");
    for (let i = 0; i < n; i++) {
      if (got[i] !== rounds + (i < 3000 ? rounds : 0)) {
        assert.fail(`value ${i} is ${got[i]}, expected ${rounds + (i < 3000 ? rounds : 0)}`);
      }
    }
  } finally {
    device.destroy();
  }
});

Deno.test("a kernel that throws on a CPU Worker fails its dispatch with an error naming the kernel and the cause", async () => {
  const device = new CpuDevice({ threads: 2, blas: false });
  try {
    const n = 20_000;
    const data = device.createBuffer(n * 4, "data");
    // Until the Worker has loaded the kernel, the calling thread may take every block.
    let workerRan = false;
    for (let i = 0; i < 100 && !workerRan; i++) {
      device.dispatch(failOnWorkerKernel, { data }, { n, fail: 0 });
      workerRan = (await device.read(data, "i32")).includes(2);
    }
    assert.ok(workerRan, "the Worker took no block in 100 dispatches");
    assert.throws(
      () => device.dispatch(failOnWorkerKernel, { data }, { n, fail: 1 }),
      /kernel test_fail_on_worker failed on a CPU worker: Error: test failure in block \d+/,
    );
    // The pool still works after the failure.
    device.dispatch(failOnWorkerKernel, { data }, { n, fail: 0 });
    assert.ok((await device.read(data, "i32")).every((x) => x === 1 || x === 2));
  } finally {
    device.destroy();
  }
});
