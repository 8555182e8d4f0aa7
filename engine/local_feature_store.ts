import type { Device, DeviceBuffer } from "./device.ts";
import type { DeviceTable } from "./device_table.ts";
import type { FeatureStore } from "./feature_store.ts";
import { gatherRows } from "./gather_rows.ts";

/**
 * Feature rows from a table held whole on the local device.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { LocalFeatureStore } from "./local_feature_store.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const store = new LocalFeatureStore(device, DeviceTable.upload(device, new Float32Array([1, 2]), 1, "x"));
 * const ids = device.createBuffer(4, "ids");
 * device.write(ids, new Int32Array([1]));
 * const out = device.createBuffer(4, "out");
 * store.gather(ids, 1, out);
 * console.log(await device.read(out, "f32")); // Float32Array [2]
 * device.destroy();
 * ```
 */
export class LocalFeatureStore implements FeatureStore {
  readonly dim: number;
  /** Serves rows of `table`, which lives on `device`; `dim` is the table's row width. */
  constructor(readonly device: Device, readonly table: DeviceTable) {
    this.dim = table.dim;
  }

  gather(ids: DeviceBuffer, n: number, out: DeviceBuffer): void {
    gatherRows(this.device, this.table, ids, out, n);
  }
}
