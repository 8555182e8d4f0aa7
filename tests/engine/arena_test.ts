import assert from "node:assert/strict";
import { Arena } from "../../engine/arena.ts";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { defineKernel } from "../../engine/kernel.ts";

Deno.test("Arena: blocks do not overlap, grow the memory and are reused by capacity", () => {
  const arena = new Arena(64 << 20);
  const a = arena.allocate(1 << 20)!, b = arena.allocate(40 << 20)!;
  assert.ok(b >= a + (1 << 20), "b after a");
  assert.equal(b % (2 << 20), 0, "large blocks start on a 2 MiB boundary");
  assert.ok(arena.buffer.byteLength >= b + (40 << 20));
  arena.free(a, 1 << 20);
  assert.equal(arena.allocate(1 << 20), a);
  assert.equal(arena.allocate(32 << 20), undefined, "past maxBytes");
});

Deno.test("Arena: views made before the memory grows still see the same bytes", () => {
  const arena = new Arena(16 << 20);
  const at = arena.allocate(1024)!;
  const before = new Int32Array(arena.buffer, at, 256);
  arena.allocate(8 << 20);
  new Int32Array(arena.buffer, at, 256).fill(5);
  assert.equal(before[255], 5);
});

const addOne = defineKernel({
  name: "test_add_one",
  module: import.meta.url,
  wgsl: "fn main_body(i: u32) { x[i] = x[i] + 1.0; }",
  bindings: [{ name: "x", type: "f32", access: "read_write" }],
  uniforms: [{ name: "n", type: "u32" }],
  invocations: (u) => u.n,
  cpuParallel: true,
  cpu: ({ buffers, begin, end }) => {
    for (let i = begin; i < end; i++) buffers.x[i]! += 1;
  },
});
export default addOne;

Deno.test("CpuDevice: buffers past its arena get memory of their own and work alike", async () => {
  const device = new CpuDevice({ threads: 2, arenaBytes: 1 << 20 });
  try {
    const n = 300_000; // 1.2 MB: past the 1 MiB arena
    const small = device.createBuffer(4096, "small"), big = device.createBuffer(n * 4, "big");
    for (const [b, len] of [[small, 1024], [big, n]] as const) {
      device.write(b, Float32Array.from({ length: len }, (_, i) => i));
      device.dispatch(addOne, { x: b }, { n: len });
      const got = await device.read(b, "f32", len - 2, 2);
      assert.deepEqual(Array.from(got), [len - 1, len], b.label);
    }
    device.copy(small, big, 4096);
    assert.equal((await device.read(big, "f32", 1023, 1))[0], 1024);
    device.release(big);
    const again = device.createBuffer(n * 4, "again");
    assert.equal((await device.read(again, "f32", n - 1, 1))[0], 0, "reused and zeroed");
  } finally {
    device.destroy();
  }
});
