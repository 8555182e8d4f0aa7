import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { createDevice } from "../../engine/create_device.ts";
import { defineKernel } from "../../engine/kernel.ts";
import { WebGpuDevice } from "../../engine/webgpu_device.ts";
import { withDevices } from "../_devices.ts";
import { testNeeding } from "../_needs.ts";

const scale = defineKernel({
  name: "test_scale",
  wgsl: "fn main_body(i: u32) { x[i] = x[i] * u.factor; }",
  bindings: [{ name: "x", type: "f32", access: "read_write" }],
  uniforms: [{ name: "n", type: "u32" }, { name: "factor", type: "f32" }],
  invocations: (u) => u.n,
  cpu: ({ buffers, uniforms, begin, end }) => {
    for (let i = begin; i < end; i++) buffers.x[i]! *= uniforms.factor;
  },
});

Deno.test("Device: write, dispatch, copy and read agree on both backends, past 65535 workgroups", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const n = 65535 * 64 + 3; // two rows of workgroups on WebGPU
      const data = Float32Array.from({ length: n }, (_, i) => i % 1000);
      const a = device.createBuffer(n * 4, "a");
      device.write(a, data);
      device.dispatch(scale, { x: a }, { n, factor: 2 });
      const b = device.createBuffer(n * 4, "b");
      device.copy(a, b);
      const got = await device.read(b, "f32", n - 5, 5);
      assert.deepEqual(
        Array.from(got),
        Array.from(data.subarray(n - 5), (v) => v * 2),
        device.kind,
      );
      device.release(a);
      device.release(b);
    }
  });
});

Deno.test("Device: a reused pooled buffer comes back zeroed", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const a = device.createBuffer(64, "a");
      device.write(a, new Float32Array(16).fill(7));
      device.release(a);
      const b = device.createBuffer(60, "b");
      assert.deepEqual(await device.read(b, "f32"), new Float32Array(15), device.kind);
    }
  });
});

Deno.test("Device: an uninitialised buffer skips the zero-fill, and a test device poisons it", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const a = device.createBuffer(1 << 20, "a");
      device.write(a, new Int32Array(1 << 18).fill(7));
      device.release(a);
      const b = device.createBuffer(1 << 20, "b", "uninitialised");
      assert.ok((await device.read(b, "i32")).every((x) => x === -1), `${device.kind} poisoned`);
      device.release(b);
    }
    const plain = new CpuDevice({ threads: 1, blas: false });
    try {
      const a = plain.createBuffer(1 << 20, "a");
      plain.write(a, new Int32Array(1 << 18).fill(7));
      plain.release(a);
      const b = plain.createBuffer(1 << 20, "b", "uninitialised");
      assert.equal((await plain.read(b, "i32", 5, 1))[0], 7, "the last owner's data, not zeros");
    } finally {
      plain.destroy();
    }
  });
});

Deno.test("Device: reads outside a buffer are a RangeError naming it", async () => {
  await withDevices((cpu) => {
    const a = cpu.createBuffer(16, "small");
    assert.throws(() => cpu.write(a, new Float32Array(5)), /buffer "small" \(16 bytes\)/);
    assert.throws(() => cpu.read(a, "f32", 3, 2), /buffer "small"/);
  });
});

await testNeeding(["webgpu"], "WebGpuDevice: a WGSL compile error names the kernel", async () => {
  const gpu = await WebGpuDevice.create();
  assert.ok(gpu, "an adapter was found but WebGpuDevice.create() gave no device");
  try {
    const broken = defineKernel({
      ...scale,
      name: "test_broken",
      wgsl: "fn main_body(i: u32) { x[i] = nope; }",
    });
    await assert.rejects(gpu.prepare(broken), /kernel test_broken failed to compile/);
  } finally {
    gpu.destroy();
  }
});

Deno.test("createDevice('auto') takes the CPU backend on a software adapter and says so in one line", async () => {
  const notices: string[] = [];
  const device = await createDevice("auto", { notice: (l) => notices.push(l) });
  try {
    const probe = await WebGpuDevice.create();
    const software = probe === undefined || probe.isFallbackAdapter;
    probe?.destroy();
    if (software) {
      assert.equal(device.kind, "cpu");
      // One line about the backend (a machine without OpenBLAS adds one about the CPU's products).
      const backend = notices.filter((l) => /WebGPU/.test(l));
      assert.equal(backend.length, 1, notices.join("\n"));
      assert.match(backend[0]!, /using the CPU backend/);
    } else {
      assert.equal(device.kind, "webgpu");
    }
  } finally {
    device.destroy();
  }
});
