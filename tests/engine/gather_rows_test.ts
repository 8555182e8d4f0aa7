import assert from "node:assert/strict";
import { DeviceTable } from "../../engine/device_table.ts";
import { gatherRows } from "../../engine/gather_rows.ts";
import type { Device } from "../../engine/device.ts";
import { poisoned, randomFloats, rng, withDevices } from "../_devices.ts";

async function gather(
  device: Device,
  table: Float32Array,
  dim: number,
  ids: Int32Array,
  chunkBytes?: number,
) {
  const t = DeviceTable.upload(device, table, dim, "table", chunkBytes);
  const out = poisoned(device, ids.length * dim, "out");
  gatherRows(device, t, ids, out);
  const result = await device.read(out, "f32");
  t.release();
  return result;
}

function expected(
  table: Float32Array,
  dim: number,
  ids: Int32Array,
): Float32Array {
  const out = new Float32Array(ids.length * dim);
  ids.forEach((id, r) => out.set(table.subarray(id * dim, id * dim + dim), r * dim));
  return out;
}

Deno.test("gatherRows() matches a plain copy on both backends, random ids, repeated ids", async () => {
  await withDevices(async (cpu, gpu) => {
    const r = rng(7);
    for (
      const [rows, dim, n] of [[50, 3, 17], [1000, 100, 4000], [
        300,
        1,
        999,
      ]] as const
    ) {
      const table = randomFloats(rows * dim, rows + dim);
      const ids = Int32Array.from({ length: n }, () => Math.floor(r() * rows));
      const want = expected(table, dim, ids);
      assert.deepEqual(await gather(cpu, table, dim, ids), want);
      if (gpu) assert.deepEqual(await gather(gpu, table, dim, ids), want);
    }
  });
});

Deno.test("gatherRows() reads tables split across several bindings", async () => {
  await withDevices(async (cpu, gpu) => {
    const rows = 997, dim = 5;
    const table = randomFloats(rows * dim, 3);
    const r = rng(11);
    const ids = Int32Array.from({ length: 3000 }, () => Math.floor(r() * rows));
    const want = expected(table, dim, ids);
    // 64 rows per chunk: 16 chunks.
    assert.deepEqual(await gather(cpu, table, dim, ids, 64 * dim * 4), want);
    if (gpu) {
      assert.deepEqual(await gather(gpu, table, dim, ids, 64 * dim * 4), want);
    }
  });
});

Deno.test("gatherRows() rejects an out-of-range id", async () => {
  await withDevices((cpu) => {
    const t = DeviceTable.upload(cpu, new Float32Array(8), 2, "t");
    const out = cpu.createBuffer(16, "out");
    assert.throws(
      () => gatherRows(cpu, t, new Int32Array([0, 4]), out),
      /id 4 at position 1 is outside the table's 4 rows/,
    );
    assert.throws(() => gatherRows(cpu, t, new Int32Array([-1]), out), /id -1/);
  });
});
