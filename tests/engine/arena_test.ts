import assert from "node:assert/strict";
import { Arena } from "../../engine/arena.ts";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { defineKernel } from "../../engine/kernel.ts";
import { sizeClass } from "../../engine/_util.ts";

Deno.test("Arena: blocks do not overlap, grow the memory and are reused by capacity", () => {
  const arena = new Arena(64 << 20);
  const a = arena.allocate(1 << 20)!.offset, b = arena.allocate(40 << 20)!.offset;
  assert.ok(b >= a + (1 << 20), "b after a");
  assert.equal(b % (2 << 20), 0, "large blocks start on a 2 MiB boundary");
  assert.ok(arena.buffer.byteLength >= b + (40 << 20));
  arena.free(a, 1 << 20);
  assert.equal(arena.allocate(1 << 20)!.offset, a);
  assert.equal(arena.allocate(32 << 20), undefined, "past maxBytes");
});

Deno.test("Arena: when full, it hands out the smallest free block of up to twice the size", () => {
  const arena = new Arena(64 << 20);
  const big = arena.allocate(40 << 20)!, mid = arena.allocate(20 << 20)!;
  arena.free(big.offset, big.capacity);
  arena.free(mid.offset, mid.capacity);
  assert.deepEqual(arena.allocate(18 << 20), mid, "the 20 MiB block, not the 40 MiB one");
  assert.deepEqual(arena.allocate(24 << 20), big);
  assert.equal(arena.allocate(10 << 20), undefined, "nothing free, no room at the top");
});

Deno.test("Arena: views made before the memory grows still see the same bytes", () => {
  const arena = new Arena(16 << 20);
  const at = arena.allocate(1024)!.offset;
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

Deno.test("sizeClass() rounds large sizes up by at most 12.5%, in whole MiB, monotonically", () => {
  let last = 0;
  for (let bytes = 1; bytes < 2 ** 31; bytes = Math.ceil(bytes * 1.37) + 1) {
    const cls = sizeClass(bytes);
    assert.ok(cls >= bytes && cls >= last, `${bytes} -> ${cls}`);
    if (bytes > 8 << 20) assert.ok(cls <= bytes * 1.125 && cls % (1 << 20) === 0, `${bytes}`);
    last = cls;
  }
  assert.equal(sizeClass(374e6), sizeClass(390e6), "similar minibatches share a class");
});
