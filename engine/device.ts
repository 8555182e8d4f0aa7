import type { KernelSpec } from "./kernel.ts";

/**
 * A buffer owned by a device. Sizes are in bytes and a multiple of 4; the
 * contents are only reachable through the device's `write` and `read`.
 */
export interface DeviceBuffer {
  readonly size: number;
  readonly label: string;
}

/** Counters a device keeps, for tests and benchmarks that bound round trips. */
export interface DeviceStats {
  /** Command submissions to the GPU queue (0 on the CPU backend). */
  submissions: number;
  /** Awaited reads of device memory back to the host. */
  readbacks: number;
  /** Kernel dispatches. */
  dispatches: number;
}

/** What a new buffer holds: zeros (the default), or whatever its memory held. */
export type BufferContents = "zeros" | "uninitialised";

/** The byte an uninitialised buffer is filled with on a device made with `poison`: NaN as f32, -1 as i32. */
export const POISON_BYTE = 0xff;

/** The typed array a `read` returns for an element type. */
export type ElementType = "f32" | "i32" | "u32";
type Elements = {
  f32: Float32Array<ArrayBuffer>;
  i32: Int32Array<ArrayBuffer>;
  u32: Uint32Array<ArrayBuffer>;
};
export type ArrayOf<T extends ElementType> = Elements[T];

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
  readonly kind: "webgpu" | "cpu";
  /** Human-readable adapter or thread description. */
  readonly description: string;
  /** Largest buffer one binding may hold, in bytes. */
  readonly maxBindingBytes: number;
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
