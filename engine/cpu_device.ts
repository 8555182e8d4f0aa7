import {
  type ArrayOf,
  type BufferContents,
  type Device,
  type DeviceBuffer,
  type DeviceStats,
  type ElementType,
  POISON_BYTE,
} from "./device.ts";
import type { BindingType, KernelSpec } from "./kernel.ts";
import { bindingViews, checkRange, elementCtor, sizeClass } from "./_util.ts";
import { Arena } from "./arena.ts";
import { HugePages } from "./huge_pages.ts";
import { runRange, WorkerPool } from "./worker_pool.ts";
import { WasmKernels } from "./wasm_kernels.ts";
import { Blas } from "./blas.ts";

class CpuBuffer implements DeviceBuffer {
  constructor(
    /** A SharedArrayBuffer of its own, or undefined for a block of the device's arena. */
    readonly own: SharedArrayBuffer | undefined,
    /** Where the buffer starts in its memory, in bytes. */
    readonly offset: number,
    /** The bytes its block holds (its size class), at least `size`. */
    readonly capacity: number,
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
  /**
   * Always `"cpu"`: kernels run as TypeScript, WebAssembly or OpenBLAS on this thread and its
   * Workers.
   */
  readonly kind = "cpu";
  /** Counts since creation; `submissions` stays 0, as there is no queue to submit to. */
  readonly stats: DeviceStats = { submissions: 0, readbacks: 0, dispatches: 0 };
  /** A 32-bit WebAssembly address reaches 4 GiB; typed arrays reach further. */
  readonly maxBindingBytes = 2 ** 32 - 4;
  readonly description: string;
  /** Where buffers live (see `Arena`); undefined where shared WebAssembly memory is missing. */
  readonly #arena: Arena | undefined;
  /** Released buffers of their own (outside the arena), by capacity. */
  readonly #free = new Map<number, SharedArrayBuffer[]>();
  /** The calling thread's WebAssembly kernels, when enabled and supported. */
  readonly #wasm: WasmKernels | undefined;
  readonly #pool: WorkerPool | undefined;
  readonly #blas: Blas | undefined;
  readonly #hugePages = HugePages.open();
  readonly #poison: boolean;
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
    options: {
      threads?: number;
      blas?: boolean;
      notice?: (line: string) => void;
      /** Bytes the arena may grow to before buffers get memory of their own (default 4 GiB). */
      arenaBytes?: number;
      /** Whether kernels with a WebAssembly implementation use it (default true). */
      wasm?: boolean;
      /** Fill uninitialised buffers with 0xff bytes, so a kernel that skips an element fails a test. */
      poison?: boolean;
    } = {},
  ) {
    this.#poison = options.poison === true;
    this.#arena = openArena(options.arenaBytes);
    this.#wasm = options.wasm !== false && this.#arena && WasmKernels.supported()
      ? new WasmKernels(this.#arena.memory)
      : undefined;
    const threads = Math.max(
      1,
      options.threads ?? navigator.hardwareConcurrency,
    );
    this.#pool = threads > 1 ? new WorkerPool(threads - 1, this.#wasm) : undefined;
    this.#blas = options.blas === false ? undefined : Blas.open(options.notice);
    this.description = `cpu (${threads} thread${threads > 1 ? "s" : ""}${
      this.#blas ? ", OpenBLAS" : ""
    }${this.#wasm ? ", WebAssembly SIMD" : ""})`;
  }

  createBuffer(bytes: number, label: string, contents: BufferContents = "zeros"): DeviceBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const cls = sizeClass(size);
    // Fresh memory reads as zeros; reused memory holds its last owner's data.
    const fill = contents === "zeros" ? 0 : this.#poison ? POISON_BYTE : undefined;
    const block = this.#arena?.allocate(cls);
    if (block) {
      const buffer = new CpuBuffer(undefined, block.offset, block.capacity, size, label);
      const memory = this.#memoryOf(buffer);
      if (cls >= HUGE_PAGE_MIN_BYTES) this.#hugePages?.advise(memory, block.offset, block.capacity);
      if (fill !== undefined) new Uint8Array(memory, block.offset, size).fill(fill);
      return buffer;
    }
    let memory = this.#free.get(cls)?.pop();
    if (memory) {
      if (fill !== undefined) new Uint8Array(memory, 0, size).fill(fill);
    } else {
      memory = new SharedArrayBuffer(cls);
      if (cls >= HUGE_PAGE_MIN_BYTES) this.#hugePages?.advise(memory);
      if (fill === POISON_BYTE) new Uint8Array(memory, 0, size).fill(fill);
    }
    return new CpuBuffer(memory, 0, cls, size, label);
  }

  release(buffer: DeviceBuffer): void {
    const b = asCpu(buffer);
    if (!b.own) {
      this.#arena!.free(b.offset, b.capacity);
      return;
    }
    const list = this.#free.get(b.capacity) ?? [];
    list.push(b.own);
    this.#free.set(b.capacity, list);
  }

  write(buffer: DeviceBuffer, data: ArrayBufferView, byteOffset = 0): void {
    checkRange(buffer, byteOffset, data.byteLength);
    this.#bytes(buffer, byteOffset, data.byteLength)
      .set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  copy(src: DeviceBuffer, dst: DeviceBuffer, byteLength = src.size): void {
    checkRange(src, 0, byteLength);
    checkRange(dst, 0, byteLength);
    this.#bytes(dst, 0, byteLength).set(this.#bytes(src, 0, byteLength));
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
    const offsets = {} as Record<B, number>;
    const sizes = {} as Record<B, number>;
    const types = {} as Record<B, BindingType>;
    let inArena = true;
    for (const b of kernel.bindings) {
      const buf = buffers[b.name];
      if (!buf) {
        throw new TypeError(
          `kernel ${kernel.name}: buffer "${b.name}" is missing`,
        );
      }
      const cpu = asCpu(buf);
      memories[b.name] = this.#memoryOf(cpu);
      inArena &&= cpu.own === undefined;
      offsets[b.name] = cpu.offset;
      sizes[b.name] = cpu.size;
      types[b.name] = b.type;
    }
    const times = this.kernelTimes;
    const start = times ? performance.now() : 0;
    const job = { memories, offsets, sizes, types, uniforms, inArena };
    if (
      !kernel.cpuParallel || !this.#pool ||
      invocations < MIN_PARALLEL_INVOCATIONS || (kernel.cpuBlas && this.#blas)
    ) {
      const views = bindingViews(memories, offsets, sizes, types);
      runRange(kernel, job, views, this.#wasm, 0, invocations, this.#blas);
    } else {
      this.#pool.run(kernel, job, invocations);
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
    new Uint8Array(out.buffer).set(this.#bytes(buffer, offset * 4, n * 4));
    return Promise.resolve(out as ArrayOf<T>);
  }

  /**
   * Copies `target.length` elements of `buffer` from element `offset` into
   * `target`: `read` without a new array, for a caller that reuses its
   * host memory (a fresh array is first-touched, at a fraction of the copy
   * bandwidth). Counts as a readback.
   */
  readInto(buffer: DeviceBuffer, target: Int32Array | Float32Array, offset = 0): void {
    checkRange(buffer, offset * 4, target.byteLength);
    this.stats.readbacks++;
    new Uint8Array(target.buffer, target.byteOffset, target.byteLength)
      .set(this.#bytes(buffer, offset * 4, target.byteLength));
  }

  destroy(): void {
    this.#pool?.terminate();
    this.#blas?.close();
    this.#hugePages?.close();
    this.#free.clear();
  }

  #memoryOf(buffer: CpuBuffer): SharedArrayBuffer {
    return buffer.own ?? this.#arena!.buffer;
  }

  #bytes(buffer: DeviceBuffer, byteOffset: number, byteLength: number): Uint8Array {
    const b = asCpu(buffer);
    return new Uint8Array(this.#memoryOf(b), b.offset + byteOffset, byteLength);
  }
}

/** The device's arena, or undefined (every buffer then gets memory of its own). */
function openArena(bytes: number | undefined): Arena | undefined {
  try {
    return new Arena(bytes);
  } catch {
    return undefined;
  }
}

function asCpu(buffer: DeviceBuffer): CpuBuffer {
  if (!(buffer instanceof CpuBuffer)) {
    throw new TypeError(
      `buffer "${buffer.label}" does not belong to a CPU device`,
    );
  }
  return buffer;
}
