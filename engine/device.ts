import type { KernelSpec } from "./kernel.ts";

/**
 * A buffer owned by a device. Sizes are in bytes and a multiple of 4; the
 * contents are only reachable through the device's `write` and `read`.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const buffer = device.createBuffer(10, "ids");
 * console.assert(buffer.size === 12 && buffer.label === "ids"); // rounded up to 4 bytes
 * device.destroy();
 * ```
 */
export interface DeviceBuffer {
  /** Size in bytes, a multiple of 4 (`createBuffer` rounds up). */
  readonly size: number;
  /**
   * The name given at `createBuffer`; it appears in the device's errors and in WebGPU debug tools.
   */
  readonly label: string;
}

/**
 * Counters a device keeps, for tests and benchmarks that bound round trips.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const buffer = device.createBuffer(4, "x");
 * await device.read(buffer, "f32");
 * console.assert(device.stats.readbacks === 1);
 * device.destroy();
 * ```
 */
export interface DeviceStats {
  /** Command submissions to the GPU queue (0 on the CPU backend). */
  submissions: number;
  /** Awaited reads of device memory back to the host. */
  readbacks: number;
  /** Kernel dispatches. */
  dispatches: number;
}

/**
 * What a new buffer holds: zeros (the default), or whatever its memory held
 * (for a buffer a kernel overwrites whole; test devices poison it instead).
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import type { BufferContents } from "./device.ts";
 * const device = new CpuDevice({ threads: 1, blas: false, poison: true });
 * const contents: BufferContents = "uninitialised";
 * const b = device.createBuffer(8, "out", contents);
 * console.log(await device.read(b, "i32")); // Int32Array [-1, -1]: poisoned
 * device.destroy();
 * ```
 */
export type BufferContents = "zeros" | "uninitialised";

/** The byte an uninitialised buffer is filled with on a device made with `poison`: NaN as f32, -1 as i32. */
export const POISON_BYTE = 0xff;

/**
 * How `Device.read` views a buffer's 4-byte elements: float, signed or unsigned integer.
 *
 * @example
 * ```ts
 * import type { ElementType } from "./device.ts";
 * const bytesPerElement = (_type: ElementType) => 4; // every element type is 32-bit
 * ```
 */
export type ElementType = "f32" | "i32" | "u32";
/**
 * The typed array each element type reads into; `ArrayOf` picks one.
 *
 * @example
 * ```ts
 * import type { ElementArrays } from "./device.ts";
 * const labels: ElementArrays["i32"] = new Int32Array([3, 1]);
 * ```
 */
export type ElementArrays = {
  f32: Float32Array<ArrayBuffer>;
  i32: Int32Array<ArrayBuffer>;
  u32: Uint32Array<ArrayBuffer>;
};
/**
 * The typed array `Device.read` returns for element type `T`: `ArrayOf<"f32">` is a `Float32Array`.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import type { ArrayOf } from "./device.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const buffer = device.createBuffer(8, "ids");
 * device.write(buffer, new Int32Array([7, 9]));
 * const ids: ArrayOf<"i32"> = await device.read(buffer, "i32");
 * console.assert(ids[1] === 9);
 * device.destroy();
 * ```
 */
export type ArrayOf<T extends ElementType> = ElementArrays[T];

/**
 * The contract every backend implements: allocate, write, read, dispatch.
 * Everything above it is backend-agnostic.
 *
 * Work is ordered: a write, a dispatch or a read sees the effect of every
 * call made before it. Dispatches may be recorded and run later; `flush()`
 * submits what is recorded, and `read` flushes first. Reads resolve in any
 * order, so several may be in flight at once.
 *
 * @example
 * ```ts
 * import { createDevice } from "./create_device.ts";
 * const device = await createDevice("cpu");
 * const buf = device.createBuffer(16, "demo");
 * device.write(buf, new Float32Array([1, 2, 3, 4]));
 * console.log(await device.read(buf, "f32")); // Float32Array [1, 2, 3, 4]
 * device.destroy();
 * ```
 */
export interface Device {
  /**
   * Which backend this is: `webgpu` (WGSL on a GPU adapter) or `cpu` (this thread and its Workers).
   */
  readonly kind: "webgpu" | "cpu";
  /** Human-readable adapter or thread description. */
  readonly description: string;
  /** Largest buffer one binding may hold, in bytes. */
  readonly maxBindingBytes: number;
  /** Round trips and dispatches since the device was created; tests and benchmarks bound them. */
  readonly stats: DeviceStats;
  /**
   * Allocates `bytes` (rounded up to 4), zero-filled; `"uninitialised"`
   * skips the fill, for a buffer that a kernel or copy overwrites before
   * anything reads it (it may hold what a released buffer left, and a
   * device made for tests fills it with 0xff bytes, NaN or -1, instead).
   */
  createBuffer(bytes: number, label: string, contents?: BufferContents): DeviceBuffer;
  /** Returns a buffer to the device's pool; it must not be used again. */
  release(buffer: DeviceBuffer): void;
  /** Copies `data` into `buffer` at `byteOffset`. */
  write(buffer: DeviceBuffer, data: ArrayBufferView, byteOffset?: number): void;
  /** Copies `byteLength` bytes between buffers (the default is all of `src`). */
  copy(src: DeviceBuffer, dst: DeviceBuffer, byteLength?: number): void;
  /** Runs `kernel` once per invocation over the bound buffers. */
  dispatch<B extends string, U extends string>(
    kernel: KernelSpec<B, U>,
    buffers: Readonly<Record<B, DeviceBuffer>>,
    uniforms: Readonly<Record<U, number>>,
  ): void;
  /** Submits recorded work without waiting for it. */
  flush(): void;
  /** Reads `length` elements (default: the whole buffer) starting at element `offset`. */
  read<T extends ElementType>(
    buffer: DeviceBuffer,
    type: T,
    offset?: number,
    length?: number,
  ): Promise<ArrayOf<T>>;
  /** Frees every buffer and worker; the device must not be used again. */
  destroy(): void;
}
