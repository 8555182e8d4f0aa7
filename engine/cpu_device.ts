import type { ArrayOf, Device, DeviceBuffer, DeviceStats, ElementType } from "./device.ts";
import type { BindingType, KernelSpec } from "./kernel.ts";
import { checkRange, elementCtor, sharedView, sizeClass } from "./_util.ts";
import { HugePages } from "./huge_pages.ts";
import { WorkerPool } from "./worker_pool.ts";
import { Blas } from "./blas.ts";

class CpuBuffer implements DeviceBuffer {
  constructor(
    readonly memory: SharedArrayBuffer,
    readonly size: number,
    readonly label: string,
  ) {}
}

/** Buffers this large (feature tables, activations) ask for 2 MiB pages. */
const HUGE_PAGE_MIN_BYTES = 32 << 20;

/** Below this many invocations a parallel kernel still runs on the calling thread. */
const MIN_PARALLEL_INVOCATIONS = 2048;

/**
 * The CPU backend: buffers are SharedArrayBuffers, kernels run their
 * TypeScript implementation synchronously, and kernels marked `cpuParallel`
 * split their invocations between the calling thread and a pool of Workers.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const b = device.createBuffer(8, "x");
 * device.write(b, new Float32Array([1, 2]));
 * console.log(await device.read(b, "f32"));
 * device.destroy();
 * ```
 */
export class CpuDevice implements Device {
  readonly kind = "cpu";
  readonly stats: DeviceStats = { submissions: 0, readbacks: 0, dispatches: 0 };
  readonly maxBindingBytes = 2 ** 31 - 4;
  readonly description: string;
  readonly #free = new Map<number, SharedArrayBuffer[]>();
  readonly #pool: WorkerPool | undefined;
  readonly #blas: Blas | undefined;
  readonly #hugePages = HugePages.open();
  /**
   * When set, every dispatch adds its wall time (ms, Workers included) to
   * the entry of its kernel's name: for benchmarks that break a step down
   * by kernel. Unset (the default) costs nothing.
   */
  kernelTimes: Map<string, number> | undefined = undefined;

  /**
   * `threads` counts the calling thread: 1 runs everything on it (default: all cores).
   * Dense products use the system's OpenBLAS unless `blas` is false; when it is
   * missing, `notice` (default: stderr) gets one line and a TypeScript loop is used.
   */
  constructor(
    options: { threads?: number; blas?: boolean; notice?: (line: string) => void } = {},
  ) {
    const threads = Math.max(
      1,
      options.threads ?? navigator.hardwareConcurrency,
    );
    this.#pool = threads > 1 ? new WorkerPool(threads - 1) : undefined;
    this.#blas = options.blas === false ? undefined : Blas.open(options.notice);
    this.description = `cpu (${threads} thread${threads > 1 ? "s" : ""}${
      this.#blas ? ", OpenBLAS" : ""
    })`;
  }

  createBuffer(bytes: number, label: string): DeviceBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const cls = sizeClass(size);
    const reused = this.#free.get(cls)?.pop();
    if (reused) new Uint8Array(reused, 0, size).fill(0);
    if (reused) return new CpuBuffer(reused, size, label);
    const memory = new SharedArrayBuffer(cls);
    if (cls >= HUGE_PAGE_MIN_BYTES) this.#hugePages?.advise(memory);
    return new CpuBuffer(memory, size, label);
  }

  release(buffer: DeviceBuffer): void {
    const { memory } = asCpu(buffer);
    const list = this.#free.get(memory.byteLength) ?? [];
    list.push(memory);
    this.#free.set(memory.byteLength, list);
  }

  write(buffer: DeviceBuffer, data: ArrayBufferView, byteOffset = 0): void {
    checkRange(buffer, byteOffset, data.byteLength);
    new Uint8Array(asCpu(buffer).memory, byteOffset, data.byteLength)
      .set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  copy(src: DeviceBuffer, dst: DeviceBuffer, byteLength = src.size): void {
    checkRange(src, 0, byteLength);
    checkRange(dst, 0, byteLength);
    new Uint8Array(asCpu(dst).memory, 0, byteLength).set(
      new Uint8Array(asCpu(src).memory, 0, byteLength),
    );
  }

  /**
   * The buffer's memory as a typed array, without copying: for CPU-side code
   * that reads or fills device buffers in place.
   */
  view<T extends ElementType>(buffer: DeviceBuffer, type: T): ArrayOf<T> {
    const b = asCpu(buffer);
    return sharedView(type, b.memory, b.size / 4) as unknown as ArrayOf<T>;
  }

  dispatch<B extends string, U extends string>(
    kernel: KernelSpec<B, U>,
    buffers: Readonly<Record<B, DeviceBuffer>>,
    uniforms: Readonly<Record<U, number>>,
  ): void {
    const invocations = kernel.invocations(uniforms);
    if (invocations <= 0) return;
    this.stats.dispatches++;
    const memories = {} as Record<B, SharedArrayBuffer>;
    const sizes = {} as Record<B, number>;
    const types = {} as Record<B, BindingType>;
    for (const b of kernel.bindings) {
      const buf = buffers[b.name];
      if (!buf) {
        throw new TypeError(
          `kernel ${kernel.name}: buffer "${b.name}" is missing`,
        );
      }
      const cpu = asCpu(buf);
      memories[b.name] = cpu.memory;
      sizes[b.name] = cpu.size;
      types[b.name] = b.type;
    }
    const times = this.kernelTimes;
    const start = times ? performance.now() : 0;
    if (
      !kernel.cpuParallel || !this.#pool ||
      invocations < MIN_PARALLEL_INVOCATIONS
    ) {
      kernel.cpu({
        buffers: bindingViews(memories, sizes, types),
        uniforms,
        begin: 0,
        end: invocations,
        ...(this.#blas ? { blas: this.#blas } : {}),
      });
    } else {
      this.#pool.run(kernel, { memories, sizes, types, uniforms }, invocations);
    }
    if (times) {
      times.set(kernel.name, (times.get(kernel.name) ?? 0) + performance.now() - start);
    }
  }

  flush(): void {}

  read<T extends ElementType>(
    buffer: DeviceBuffer,
    type: T,
    offset = 0,
    length?: number,
  ): Promise<ArrayOf<T>> {
    const n = length ?? buffer.size / 4 - offset;
    checkRange(buffer, offset * 4, n * 4);
    this.stats.readbacks++;
    const out = new (elementCtor(type))(n);
    new Uint8Array(out.buffer).set(
      new Uint8Array(asCpu(buffer).memory, offset * 4, n * 4),
    );
    return Promise.resolve(out as ArrayOf<T>);
  }

  destroy(): void {
    this.#pool?.terminate();
    this.#blas?.close();
    this.#hugePages?.close();
    this.#free.clear();
  }
}

/** Typed-array views of shared buffers by binding type. */
export function bindingViews<B extends string>(
  memories: Readonly<Record<B, SharedArrayBuffer>>,
  sizes: Readonly<Record<B, number>>,
  types: Readonly<Record<B, BindingType>>,
): Record<B, Float32Array | Int32Array | Uint32Array> {
  const views = {} as Record<B, Float32Array | Int32Array | Uint32Array>;
  for (const name of Object.keys(memories) as B[]) {
    views[name] = sharedView(types[name], memories[name], sizes[name] / 4);
  }
  return views;
}

function asCpu(buffer: DeviceBuffer): CpuBuffer {
  if (!(buffer instanceof CpuBuffer)) {
    throw new TypeError(
      `buffer "${buffer.label}" does not belong to a CPU device`,
    );
  }
  return buffer;
}
