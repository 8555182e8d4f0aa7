/** Timestamp pairs one recording holds (begin and end of a pass each). */
const MAX_PASSES = 2048;

/**
 * GPU time spent in one kernel over a recording.
 *
 * @example
 * ```ts
 * import type { KernelTime } from "./gpu_timestamps.ts";
 * const perCall = (t: KernelTime) => t.ms / t.calls;
 * console.log(perCall({ calls: 4, ms: 2 })); // 0.5
 * ```
 */
export interface KernelTime {
  /** Dispatches timed. */
  readonly calls: number;
  /** Their GPU time summed, in milliseconds. */
  readonly ms: number;
}

/**
 * GPU timestamps around single-dispatch compute passes, through the
 * `timestamp-query` feature: `passDescriptor(name)` gives the descriptor of
 * the next pass (with its two timestamp writes) and `collect` resolves all
 * of them and sums the GPU time per kernel name. Passes past `MAX_PASSES`
 * are not timed (counted in `untimed`).
 *
 * @example
 * ```ts
 * import { GpuTimestamps } from "./gpu_timestamps.ts";
 * const adapter = await navigator.gpu?.requestAdapter();
 * if (adapter?.features.has("timestamp-query")) {
 *   const gpu = await adapter.requestDevice({ requiredFeatures: ["timestamp-query"] });
 *   const timestamps = new GpuTimestamps(gpu);
 *   const encoder = gpu.createCommandEncoder();
 *   encoder.beginComputePass(timestamps.passDescriptor("nothing")).end();
 *   console.log((await timestamps.collect(encoder)).get("nothing")?.calls); // 1
 *   gpu.destroy();
 * }
 * ```
 */
export class GpuTimestamps {
  readonly #querySet: GPUQuerySet;
  readonly #names: string[] = [];
  /** Passes not timed because the query set was full. */
  untimed = 0;

  /** A query set on `gpu`, which must have been created with the `timestamp-query` feature. */
  constructor(readonly gpu: GPUDevice) {
    this.#querySet = gpu.createQuerySet({ type: "timestamp", count: MAX_PASSES * 2 });
  }

  /** The descriptor of a compute pass timed under `name`, or an untimed one when full. */
  passDescriptor(name: string): GPUComputePassDescriptor {
    if (this.#names.length === MAX_PASSES) {
      this.untimed++;
      return {};
    }
    const i = this.#names.push(name) * 2 - 2;
    return {
      timestampWrites: {
        querySet: this.#querySet,
        beginningOfPassWriteIndex: i,
        endOfPassWriteIndex: i + 1,
      },
    };
  }

  /**
   * Records the resolution of every timestamp at the end of `encoder`,
   * submits it, and sums the GPU time per kernel name, in milliseconds.
   * The query set is destroyed: a recording is used once.
   */
  async collect(encoder: GPUCommandEncoder): Promise<Map<string, KernelTime>> {
    const count = this.#names.length * 2;
    const times = new Map<string, KernelTime>();
    if (count === 0) {
      this.gpu.queue.submit([encoder.finish()]);
      this.#querySet.destroy();
      return times;
    }
    const resolved = this.gpu.createBuffer({
      size: count * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const staging = this.gpu.createBuffer({
      size: count * 8,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.resolveQuerySet(this.#querySet, 0, count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, count * 8);
    this.gpu.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const ns = new BigInt64Array(staging.getMappedRange().slice(0));
    staging.unmap();
    for (const b of [staging, resolved]) b.destroy();
    this.#querySet.destroy();
    this.#names.forEach((name, p) => {
      const ms = Number(ns[2 * p + 1]! - ns[2 * p]!) / 1e6;
      const t = times.get(name) ?? { calls: 0, ms: 0 };
      times.set(name, { calls: t.calls + 1, ms: t.ms + Math.max(0, ms) });
    });
    return times;
  }
}
