import type { Device, DeviceBuffer } from "./device.ts";
import type { DeviceTable } from "./device_table.ts";
import gatherRowsKernel from "./kernels/gather_rows.ts";

/**
 * Gathers `numIds` rows of `table` into `out` (`numIds * table.dim` float32
 * values), one dispatch per table chunk, all recorded without a readback.
 * `ids` is a device buffer of int32 row ids, or a host array, which is
 * checked (every id must be a row of the table) and uploaded.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { gatherRows } from "./gather_rows.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const table = DeviceTable.upload(device, new Float32Array([0, 1, 10, 11]), 2, "t");
 * const out = device.createBuffer(8, "out");
 * gatherRows(device, table, new Int32Array([1]), out);
 * console.log(await device.read(out, "f32")); // Float32Array [10, 11]
 * device.destroy();
 * ```
 */
export function gatherRows(
  device: Device,
  table: DeviceTable,
  ids: DeviceBuffer | Int32Array,
  out: DeviceBuffer,
  numIds = ids instanceof Int32Array ? ids.length : ids.size / 4,
): void {
  if (out.size < numIds * table.dim * 4) {
    throw new RangeError(
      `gatherRows: output "${out.label}" holds ${out.size} bytes, expected at least ${
        numIds * table.dim * 4
      }`,
    );
  }
  let idBuffer: DeviceBuffer;
  if (ids instanceof Int32Array) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(id >= 0 && id < table.rows)) {
        throw new RangeError(
          `gatherRows: id ${id} at position ${i} is outside the table's ${table.rows} rows`,
        );
      }
    }
    idBuffer = device.createBuffer(ids.byteLength, "gather ids");
    device.write(idBuffer, ids);
  } else {
    idBuffer = ids;
  }
  for (const chunk of table.chunks) {
    device.dispatch(gatherRowsKernel, {
      table: chunk.buffer,
      ids: idBuffer,
      out,
    }, {
      num_ids: numIds,
      dim: table.dim,
      row_begin: chunk.rowBegin,
      row_end: chunk.rowEnd,
    });
  }
  if (ids instanceof Int32Array) {
    device.flush();
    device.release(idBuffer);
  }
}
