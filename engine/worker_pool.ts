import type { Blas } from "./blas.ts";
import type { BindingType, KernelSpec } from "./kernel.ts";
import { bindingViews } from "./_util.ts";
import type { WasmKernels } from "./wasm_kernels.ts";

/** The shared memory of one dispatch, as Workers receive it. */
export interface PoolJob {
  readonly memories: Readonly<Record<string, SharedArrayBuffer>>;
  /** Byte offsets of the bindings in their memories. */
  readonly offsets: Readonly<Record<string, number>>;
  readonly sizes: Readonly<Record<string, number>>;
  readonly types: Readonly<Record<string, BindingType>>;
  readonly uniforms: Readonly<Record<string, number>>;
  /** Whether every binding lives in the device's arena (then `offsets` are addresses in it). */
  readonly inArena: boolean;
}

/** How long one parallel dispatch may take before it is reported as hung. */
const DISPATCH_TIMEOUT_MS = 300_000;
const MESSAGE_BYTES = 4096;
/** Blocks of invocations per thread in one dispatch (see `WorkerPool.run`). */
const BLOCKS_PER_THREAD = 8;

/**
 * Runs invocations `[begin, end)` of `kernel`: its WebAssembly
 * implementation when `wasm` has one and every binding is in the arena,
 * else (or when that declines the call) its TypeScript one over `buffers`.
 */
export function runRange(
  kernel: KernelSpec,
  job: PoolJob,
  buffers: Readonly<Record<string, Float32Array | Int32Array | Uint32Array>>,
  wasm: WasmKernels | undefined,
  begin: number,
  end: number,
  blas?: Blas,
): void {
  const wasmFirst = kernel.wasm && job.inArena && !(blas && kernel.cpuBlas);
  const run = wasmFirst ? wasm?.run(kernel.name) : undefined;
  const args = { uniforms: job.uniforms, begin, end };
  if (run && kernel.wasm!({ ...args, run, addresses: job.offsets })) return;
  kernel.cpu({ ...args, buffers, ...(blas ? { blas } : {}) });
}

/**
 * Runs blocks of `grain` invocations of `kernel`, taken from the counter
 * `status[2]`, until all `invocations` are taken: on the calling thread and
 * on every Worker of a dispatch alike.
 */
export function runBlocks(
  kernel: KernelSpec,
  job: PoolJob,
  invocations: number,
  grain: number,
  status: Int32Array,
  wasm: WasmKernels | undefined,
): void {
  const buffers = bindingViews(job.memories, job.offsets, job.sizes, job.types);
  for (;;) {
    const begin = Atomics.add(status, 2, 1) * grain;
    if (begin >= invocations) return;
    runRange(kernel, job, buffers, wasm, begin, Math.min(invocations, begin + grain));
  }
}

/**
 * Module Workers that run a kernel's CPU implementation on disjoint ranges of
 * invocations alongside the calling thread. The caller
 * blocks on an `Atomics.wait` until every Worker has finished, so a CPU
 * dispatch is synchronous like a plain function call; a Worker that throws
 * turns into an error naming the kernel, and one that never finishes into a
 * timeout error.
 *
 * @example
 * ```ts
 * import { WorkerPool } from "./worker_pool.ts";
 * const pool = new WorkerPool(1);
 * pool.terminate();
 * ```
 */
export class WorkerPool {
  readonly #workers: Worker[];
  /** Workers finished, a Worker failed, next block to take. */
  readonly #status = new Int32Array(new SharedArrayBuffer(12));
  readonly #message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));
  /** Why the pool can no longer be used, once a dispatch has timed out. */
  #broken: string | undefined;

  readonly #wasm: WasmKernels | undefined;

  /** `wasm`: the calling thread's WebAssembly kernels; each Worker instantiates its own over the same memory. */
  constructor(size: number, wasm?: WasmKernels) {
    const url = new URL("./cpu_worker.ts", import.meta.url).href;
    this.#wasm = wasm;
    this.#workers = Array.from(
      { length: size },
      () => new Worker(url, { type: "module" }),
    );
    if (wasm) { for (const w of this.#workers) w.postMessage({ memory: wasm.memory }); }
  }

  /**
   * Runs `invocations` of `kernel` on the Workers and the calling thread,
   * which take blocks of `1 / (BLOCKS_PER_THREAD * threads)` of the range
   * from a shared counter until none is left: kernels whose rows cost
   * unequal amounts (the first rows of a block's backward have more
   * contributions) then keep both cores busy to the end.
   */
  run(kernel: KernelSpec, job: PoolJob, invocations: number): void {
    if (this.#broken) {
      throw new Error(`kernel ${kernel.name}: the CPU worker pool stopped after ${this.#broken}`);
    }
    const blocks = (this.#workers.length + 1) * BLOCKS_PER_THREAD;
    const multiple = kernel.cpuGrain?.(job.uniforms) ?? 1;
    const grain = Math.ceil(invocations / blocks / multiple) * multiple;
    Atomics.store(this.#status, 0, 0);
    Atomics.store(this.#status, 1, 0);
    Atomics.store(this.#status, 2, 0);
    for (const w of this.#workers) {
      w.postMessage({
        module: kernel.module,
        ...job,
        invocations,
        grain,
        status: this.#status,
        message: this.#message,
      });
    }
    runBlocks(kernel, job, invocations, grain, this.#status, this.#wasm);
    const deadline = performance.now() + DISPATCH_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.#status, 0);
      if (done === this.#workers.length) break;
      const left = deadline - performance.now();
      if (left <= 0) {
        // Stuck Workers would take blocks of the next dispatch: end them all.
        this.#broken = `a kernel ${kernel.name} dispatch timed out`;
        this.terminate();
        throw new Error(
          `kernel ${kernel.name}: ${
            this.#workers.length - done
          } of ${this.#workers.length} CPU workers did not finish within ${DISPATCH_TIMEOUT_MS} ms`,
        );
      }
      Atomics.wait(this.#status, 0, done, Math.min(left, 1000));
    }
    if (Atomics.load(this.#status, 1) !== 0) {
      const text = new TextDecoder().decode(this.#message.slice()).replace(
        /\0+$/,
        "",
      );
      throw new Error(`kernel ${kernel.name} failed on a CPU worker: ${text}`);
    }
  }

  terminate(): void {
    for (const w of this.#workers) w.terminate();
  }
}
