import type { BindingType, KernelSpec } from "./kernel.ts";
import { bindingViews } from "./cpu_device.ts";

/** The shared memory of one dispatch, as Workers receive it. */
export interface PoolJob {
  readonly memories: Readonly<Record<string, SharedArrayBuffer>>;
  readonly sizes: Readonly<Record<string, number>>;
  readonly types: Readonly<Record<string, BindingType>>;
  readonly uniforms: Readonly<Record<string, number>>;
}

/** How long one parallel dispatch may take before it is reported as hung. */
const DISPATCH_TIMEOUT_MS = 300_000;
const MESSAGE_BYTES = 4096;

/**
 * Module Workers that run a kernel's CPU implementation on disjoint ranges of
 * invocations while the calling thread runs the first range. The caller
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
  readonly #status = new Int32Array(new SharedArrayBuffer(8));
  readonly #message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));

  constructor(size: number) {
    const url = new URL("./cpu_worker.ts", import.meta.url).href;
    this.#workers = Array.from(
      { length: size },
      () => new Worker(url, { type: "module" }),
    );
  }

  /** Runs `invocations` of `kernel` split evenly over the Workers and the calling thread. */
  run(kernel: KernelSpec, job: PoolJob, invocations: number): void {
    const parts = this.#workers.length + 1;
    const step = Math.ceil(invocations / parts);
    Atomics.store(this.#status, 0, 0);
    Atomics.store(this.#status, 1, 0);
    this.#workers.forEach((w, i) => {
      const begin = Math.min(invocations, (i + 1) * step);
      const end = Math.min(invocations, (i + 2) * step);
      w.postMessage({
        module: kernel.module,
        ...job,
        begin,
        end,
        status: this.#status,
        message: this.#message,
      });
    });
    kernel.cpu({
      buffers: bindingViews(job.memories, job.sizes, job.types),
      uniforms: job.uniforms,
      begin: 0,
      end: Math.min(step, invocations),
    });
    const deadline = performance.now() + DISPATCH_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.#status, 0);
      if (done === this.#workers.length) break;
      const left = deadline - performance.now();
      if (left <= 0) {
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
