import assert from "node:assert/strict";
import { DeviceTable } from "../../engine/device_table.ts";
import { gatherRows } from "../../engine/gather_rows.ts";
import { stackTables } from "../../engine/stack_tables.ts";
import { poisoned, randomFloats, withDevices } from "../_devices.ts";

Deno.test("stackTables() lets one gather read rows of several chunked tables", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const dim = 3;
      const a = randomFloats(7 * dim, 1);
      const b = randomFloats(0, 2);
      const c = randomFloats(5 * dim, 3);
      // 16-byte chunks hold one row each, so every table is several chunks.
      const tables = [a, b, c].map((d, k) => DeviceTable.upload(device, d, dim, `t${k}`, 16));
      const host = [...a, ...b, ...c];
      const ids = new Int32Array([11, 0, 6, 7, 3, 11]);
      const out = poisoned(device, ids.length * dim, "out");
      gatherRows(device, stackTables(tables), ids, out);
      const got = await device.read(out, "f32");
      const want = [...ids].flatMap((id) => host.slice(id * dim, (id + 1) * dim));
      assert.deepStrictEqual([...got], want);
      for (const t of tables) t.release();
    }
  });
});

Deno.test("stackTables() rejects tables of different widths", () => {
  const fake = (dim: number) =>
    ({ device: null, rows: 1, dim, chunks: [], release() {} }) as unknown as DeviceTable;
  assert.throws(() => stackTables([fake(2), fake(3)]), /width 3 cannot follow one of width 2/);
  assert.throws(() => stackTables([]), /no tables/);
});
