import { ensureRuntimeDir } from "./ensure_runtime_dir.ts";
import {
  type ArrayOf,
  type BufferContents,
  type Device,
  type DeviceBuffer,
  type DeviceStats,
  type ElementType,
  POISON_BYTE,
} from "./device.ts";
import {
  DEFAULT_WORKGROUP_SIZE,
  kernelSource,
  type KernelSpec,
  MAX_GROUPS_X,
  packUniforms,
} from "./kernel.ts";
import { checkRange, elementCtor, sizeClass } from "./_util.ts";
import { GpuTimestamps, type KernelTime } from "./gpu_timestamps.ts";

const UNIFORM_SLOT = 256;
const UNIFORM_SLOTS = 1024;
const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC |
  GPUBufferUsage.COPY_DST;
const STAGING = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;

class GpuBuffer implements DeviceBuffer {
  constructor(
    readonly gpu: GPUBuffer,
    readonly size: number,
    readonly label: string,
  ) {}
}

interface Pipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** Resolves to the compile error, if any, once the GPU has checked it. */
  readonly error: Promise<Error | undefined>;
}

/**
 * The WebGPU backend: WGSL kernels, a pipeline cache keyed by kernel name and
 * constants, storage buffers pooled by size class, uniforms in a ring of
 * 256-byte slots, and dispatches recorded into one command encoder that is
 * submitted on `flush()` or before a read.
 *
 * @example
 * ```ts
 * import { WebGpuDevice } from "./webgpu_device.ts";
 * const device = await WebGpuDevice.create();
 * if (device) {
 *   const b = device.createBuffer(4, "x");
 *   device.write(b, new Int32Array([7]));
 *   console.log(await device.read(b, "i32"));
 *   device.destroy();
 * }
 * ```
 */
export class WebGpuDevice implements Device {
  /** Always `"webgpu"`: kernels run as WGSL on the adapter's queue. */
  readonly kind = "webgpu";
  /** Counts since creation; a `flush()` with recorded work is one submission. */
  readonly stats: DeviceStats = { submissions: 0, readbacks: 0, dispatches: 0 };
  readonly maxBindingBytes: number;
  readonly #pipelines = new Map<string, Pipeline>();
  readonly #free = new Map<number, GPUBuffer[]>();
  readonly #staging = new Map<number, GPUBuffer[]>();
  readonly #uniforms: GPUBuffer;
  #slot = 0;
  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  #pendingErrors: Promise<Error | undefined>[] = [];
  /** Set while GPU timestamps are recorded (see `startTimestamps`). */
  #timestamps: GpuTimestamps | undefined;

  readonly #poison: boolean;

  private constructor(
    readonly gpu: GPUDevice,
    readonly description: string,
    readonly isFallbackAdapter: boolean,
    poison: boolean,
    readonly adapterInfo: GPUAdapterInfo,
  ) {
    this.#poison = poison;
    this.maxBindingBytes = gpu.limits.maxStorageBufferBindingSize;
    this.#uniforms = gpu.createBuffer({
      label: "uniform ring",
      size: UNIFORM_SLOT * UNIFORM_SLOTS,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /**
   * Acquires an adapter and a device with the adapter's largest limits;
   * undefined when there is no adapter. With `poison`, uninitialised
   * buffers are filled with 0xff bytes (for tests).
   */
  static async create(options: { poison?: boolean } = {}): Promise<WebGpuDevice | undefined> {
    if (!("gpu" in navigator)) return undefined;
    ensureRuntimeDir();
    const adapter = await navigator.gpu.requestAdapter({
      powerPreference: "high-performance",
    });
    if (!adapter) return undefined;
    const l = adapter.limits;
    const gpu = await adapter.requestDevice({
      requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      },
    });
    const info = adapter.info;
    const fallback = Boolean(info.isFallbackAdapter);
    return new WebGpuDevice(
      gpu,
      `${info.description || info.vendor} (webgpu${fallback ? ", software" : ""})`,
      fallback,
      options.poison === true,
      info,
    );
  }

  createBuffer(bytes: number, label: string, contents: BufferContents = "zeros"): DeviceBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const cls = sizeClass(size);
    const reused = this.#free.get(cls)?.pop();
    const gpu = reused ??
      this.gpu.createBuffer({ label, size: cls, usage: STORAGE });
    const buffer = new GpuBuffer(gpu, size, label);
    if (contents === "uninitialised" && this.#poison) {
      this.write(buffer, new Uint8Array(size).fill(POISON_BYTE));
    } else if (reused && contents === "zeros") this.#zero(buffer);
    return buffer;
  }

  release(buffer: DeviceBuffer): void {
    const gpu = asGpu(buffer).gpu;
    const list = this.#free.get(gpu.size) ?? [];
    list.push(gpu);
    this.#free.set(gpu.size, list);
  }

  write(buffer: DeviceBuffer, data: ArrayBufferView, byteOffset = 0): void {
    checkRange(buffer, byteOffset, data.byteLength);
    if (data.byteLength === 0) return;
    this.flush(); // queue writes run before unsubmitted commands: keep order
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.gpu.queue.writeBuffer(
      asGpu(buffer).gpu,
      byteOffset,
      bytes as Uint8Array<ArrayBuffer>,
    );
  }

  copy(src: DeviceBuffer, dst: DeviceBuffer, byteLength = src.size): void {
    checkRange(dst, 0, byteLength);
    checkRange(src, 0, byteLength);
    this.#endPass().copyBufferToBuffer(
      asGpu(src).gpu,
      0,
      asGpu(dst).gpu,
      0,
      byteLength,
    );
  }

  /** Compiles a kernel's pipeline ahead of use and throws an error naming it if the WGSL is invalid. */
  async prepare(kernel: KernelSpec): Promise<void> {
    const err = await this.#pipeline(kernel).error;
    if (err) throw err;
  }

  dispatch<B extends string, U extends string>(
    kernel: KernelSpec<B, U>,
    buffers: Readonly<Record<B, DeviceBuffer>>,
    uniforms: Readonly<Record<U, number>>,
  ): void {
    const invocations = kernel.invocations(uniforms);
    if (invocations <= 0) return;
    const wg = kernel.workgroupSize ?? DEFAULT_WORKGROUP_SIZE;
    const groups = Math.ceil(invocations / wg);
    const groupsX = Math.min(groups, MAX_GROUPS_X);
    const groupsY = Math.ceil(groups / groupsX);
    if (this.#slot === UNIFORM_SLOTS) this.flush();
    const offset = this.#slot++ * UNIFORM_SLOT;
    const packed = packUniforms(
      kernel as KernelSpec,
      uniforms,
      invocations,
      groupsX,
    );
    this.gpu.queue.writeBuffer(this.#uniforms, offset, packed);
    const { pipeline, layout } = this.#pipeline(kernel as KernelSpec);
    const entries: GPUBindGroupEntry[] = [
      {
        binding: 0,
        resource: { buffer: this.#uniforms, offset, size: packed.byteLength },
      },
    ];
    kernel.bindings.forEach((b, i) => {
      const buf = buffers[b.name];
      if (!buf) {
        throw new TypeError(
          `kernel ${kernel.name}: buffer "${b.name}" is missing`,
        );
      }
      if (buf.size > this.maxBindingBytes) {
        throw new RangeError(
          `kernel ${kernel.name}: buffer "${b.name}" is ${buf.size} bytes, over the ${this.maxBindingBytes}-byte binding limit; split it`,
        );
      }
      entries.push({
        binding: i + 1,
        resource: { buffer: asGpu(buf).gpu, size: buf.size },
      });
    });
    const bindGroup = this.gpu.createBindGroup({ layout, entries });
    // While timestamps are recorded every dispatch is a pass of its own.
    const pass = this.#timestamps
      ? this.#endPass().beginComputePass(this.#timestamps.passDescriptor(kernel.name))
      : this.#passEncoder();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groupsX, groupsY);
    if (this.#timestamps) pass.end();
    this.stats.dispatches++;
  }

  /**
   * Starts timing every dispatch on the GPU (for benchmarks: each dispatch
   * then runs in a compute pass of its own); false where the adapter has no
   * `timestamp-query`.
   */
  startTimestamps(): boolean {
    if (!this.gpu.features.has("timestamp-query")) return false;
    this.flush();
    this.#timestamps = new GpuTimestamps(this.gpu);
    return true;
  }

  /**
   * Stops timing and resolves to the GPU time of each kernel since
   * `startTimestamps` (the submission and readback this takes are left out
   * of `stats`: they are the benchmark's, not the work's).
   */
  stopTimestamps(): Promise<Map<string, KernelTime>> {
    const timestamps = this.#timestamps;
    if (!timestamps) return Promise.resolve(new Map());
    this.#timestamps = undefined;
    const encoder = this.#endPass();
    this.#encoder = undefined;
    this.#slot = 0;
    return timestamps.collect(encoder);
  }

  /** The adapter's name and description as the driver gives them, and the device's limits. */
  adapterReport(): { info: Record<string, string | boolean>; limits: Record<string, number> } {
    const info: Record<string, string | boolean> = {};
    const i = this.adapterInfo;
    for (const k of ["vendor", "architecture", "device", "description"] as const) info[k] = i[k];
    info.isFallbackAdapter = this.isFallbackAdapter;
    const limits: Record<string, number> = {};
    for (const k in this.gpu.limits) {
      const v = (this.gpu.limits as unknown as Record<string, unknown>)[k];
      if (typeof v === "number") limits[k] = v;
    }
    return { info, limits };
  }

  flush(): void {
    if (!this.#encoder) return;
    this.#pass?.end();
    this.#pass = undefined;
    this.gpu.queue.submit([this.#encoder.finish()]);
    this.#encoder = undefined;
    this.#slot = 0;
    this.stats.submissions++;
  }

  async read<T extends ElementType>(
    buffer: DeviceBuffer,
    type: T,
    offset = 0,
    length?: number,
  ): Promise<ArrayOf<T>> {
    const n = length ?? buffer.size / 4 - offset;
    checkRange(buffer, offset * 4, n * 4);
    const Ctor = elementCtor(type);
    if (n === 0) return new Ctor(0) as ArrayOf<T>;
    const cls = sizeClass(n * 4);
    const staging = this.#staging.get(cls)?.pop() ??
      this.gpu.createBuffer({ label: "staging", size: cls, usage: STAGING });
    this.#endPass().copyBufferToBuffer(
      asGpu(buffer).gpu,
      offset * 4,
      staging,
      0,
      n * 4,
    );
    this.flush();
    this.stats.readbacks++;
    await staging.mapAsync(GPUMapMode.READ, 0, n * 4);
    const out = new Ctor(n);
    new Uint8Array(out.buffer).set(
      new Uint8Array(staging.getMappedRange(0, n * 4)),
    );
    staging.unmap();
    const list = this.#staging.get(cls) ?? [];
    list.push(staging);
    this.#staging.set(cls, list);
    await this.#throwCompileErrors();
    return out as ArrayOf<T>;
  }

  destroy(): void {
    this.gpu.destroy();
  }

  async #throwCompileErrors(): Promise<void> {
    if (this.#pendingErrors.length === 0) return;
    const errors = await Promise.all(this.#pendingErrors);
    this.#pendingErrors = [];
    const first = errors.find((e) => e);
    if (first) throw first;
  }

  #pipeline(kernel: KernelSpec): Pipeline {
    const key = `${kernel.name}|${JSON.stringify(kernel.constants ?? {})}`;
    const cached = this.#pipelines.get(key);
    if (cached) return cached;
    this.gpu.pushErrorScope("validation");
    const module = this.gpu.createShaderModule({
      label: kernel.name,
      code: kernelSource(kernel),
    });
    const pipeline = this.gpu.createComputePipeline({
      label: kernel.name,
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
    const error = this.gpu.popErrorScope().then(async (e) => {
      if (!e) return undefined;
      const info = await module.getCompilationInfo();
      const detail = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ");
      return new Error(
        `kernel ${kernel.name} failed to compile: ${e.message}${detail ? ` (${detail})` : ""}`,
      );
    });
    this.#pendingErrors.push(error);
    const entry = { pipeline, layout: pipeline.getBindGroupLayout(0), error };
    this.#pipelines.set(key, entry);
    return entry;
  }

  #passEncoder(): GPUComputePassEncoder {
    this.#encoder ??= this.gpu.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    return this.#pass;
  }

  #endPass(): GPUCommandEncoder {
    this.#pass?.end();
    this.#pass = undefined;
    this.#encoder ??= this.gpu.createCommandEncoder();
    return this.#encoder;
  }

  #zero(buffer: GpuBuffer): void {
    this.#endPass().clearBuffer(buffer.gpu, 0, buffer.size);
  }
}

function asGpu(buffer: DeviceBuffer): GpuBuffer {
  if (!(buffer instanceof GpuBuffer)) {
    throw new TypeError(
      `buffer "${buffer.label}" does not belong to a WebGPU device`,
    );
  }
  return buffer;
}
