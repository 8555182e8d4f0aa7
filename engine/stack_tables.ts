import type { DeviceTable, TableChunk } from "./device_table.ts";

/**
 * A view of several device tables of the same width as one table: the rows
 * of `tables[0]`, then those of `tables[1]`, and so on. No data moves; the
 * chunks are listed with shifted row ranges, so `gatherRows` reads each part
 * where it already is. The view owns nothing: its `release()` does nothing,
 * and the parts must outlive every dispatch that reads the view.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { gatherRows } from "./gather_rows.ts";
 * import { stackTables } from "./stack_tables.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const a = DeviceTable.upload(device, new Float32Array([1, 2]), 1, "a");
 * const b = DeviceTable.upload(device, new Float32Array([3]), 1, "b");
 * const out = device.createBuffer(8, "out");
 * gatherRows(device, stackTables([a, b]), new Int32Array([2, 0]), out);
 * console.log(await device.read(out, "f32")); // Float32Array [3, 1]
 * device.destroy();
 * ```
 */
export function stackTables(tables: readonly DeviceTable[]): DeviceTable {
  const first = tables[0];
  if (first === undefined) throw new RangeError("stackTables: no tables to stack");
  const chunks: TableChunk[] = [];
  let rows = 0;
  for (const table of tables) {
    if (table.dim !== first.dim || table.device !== first.device) {
      throw new RangeError(
        `stackTables: a table of width ${table.dim} cannot follow one of width ${first.dim} on the same device`,
      );
    }
    for (const c of table.chunks) {
      chunks.push({ buffer: c.buffer, rowBegin: c.rowBegin + rows, rowEnd: c.rowEnd + rows });
    }
    rows += table.rows;
  }
  return { device: first.device, rows, dim: first.dim, chunks, release: () => {} };
}
