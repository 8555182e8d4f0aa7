import type { Device, DeviceBuffer } from "./device.ts";

/**
 * One chunk of a table: the rows `[rowBegin, rowEnd)` in one buffer.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceTable } from "./device_table.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const table = DeviceTable.upload(device, new Float32Array([1, 2, 3, 4]), 2, "x");
 * const [chunk] = table.chunks; // a small table fits one chunk
 * console.assert(chunk!.rowBegin === 0 && chunk!.rowEnd === 2);
 * device.destroy();
 * ```
 */
export interface TableChunk {
  /** The chunk's rows, `(rowEnd - rowBegin) * dim` elements, row after row. */
  readonly buffer: DeviceBuffer;
  /** Index in the whole table of the chunk's first row. */
  readonly rowBegin: number;
  /** Index in the whole table one past the chunk's last row; the next chunk begins here. */
  readonly rowEnd: number;
}

/**
 * A row-major table (float32 features or int32 ids) on a device, split into
 * chunks that each fit one binding, so that tables larger than the 128 MiB
 * WebGPU binding limit can be used.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceTable } from "./device_table.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const t = DeviceTable.upload(device, new Float32Array(12), 3, "features", 16);
 * console.log(t.chunks.length); // 3: four rows of 12 bytes, one row per 16-byte chunk
 * t.release();
 * device.destroy();
 * ```
 */
export class DeviceTable {
  private constructor(
    readonly device: Device,
    readonly rows: number,
    readonly dim: number,
    readonly chunks: readonly TableChunk[],
  ) {}

  /**
   * Uploads `data` (`rows * dim` values) in chunks of at most `maxChunkBytes`
   * (default: the device's binding limit), each holding whole rows.
   */
  static upload(
    device: Device,
    data: Float32Array | Int32Array,
    dim: number,
    label: string,
    maxChunkBytes = device.maxBindingBytes,
  ): DeviceTable {
    if (!Number.isInteger(dim) || dim <= 0 || data.length % dim !== 0) {
      throw new RangeError(
        `table "${label}": ${data.length} values do not form rows of ${dim}`,
      );
    }
    const rows = data.length / dim;
    const rowsPerChunk = Math.floor(maxChunkBytes / (4 * dim));
    if (rowsPerChunk < 1) {
      throw new RangeError(
        `table "${label}": one row of ${dim} values exceeds ${maxChunkBytes} bytes`,
      );
    }
    const chunks: TableChunk[] = [];
    for (
      let rowBegin = 0;
      rowBegin < rows || chunks.length === 0;
      rowBegin += rowsPerChunk
    ) {
      const rowEnd = Math.min(rows, rowBegin + rowsPerChunk);
      const part = data.subarray(rowBegin * dim, rowEnd * dim);
      const buffer = device.createBuffer(
        Math.max(4, part.byteLength),
        `${label}[${chunks.length}]`,
      );
      if (part.length > 0) device.write(buffer, part);
      chunks.push({ buffer, rowBegin, rowEnd });
    }
    return new DeviceTable(device, rows, dim, chunks);
  }

  /** Returns every chunk's buffer to the device. */
  release(): void {
    for (const c of this.chunks) this.device.release(c.buffer);
  }
}
