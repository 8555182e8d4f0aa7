import type { Device } from "./device.ts";
import type { CsrGraph } from "./graph.ts";
import type { HostMinibatch } from "./host_minibatch.ts";
import { checkWorkerReply, type WorkerRequest } from "./minibatch_messages.ts";
import type { MinibatchSource, PreparedMinibatch } from "./minibatch_source.ts";
import { uploadHostMinibatch } from "./upload_host_minibatch.ts";

/** Options of {@link ThreadedMinibatchSource.start}. */
export interface ThreadedSourceOptions {
  /** The trainer's device, which the minibatches are uploaded to. */
  readonly device: Device;
  readonly graph: CsrGraph;
  /** `graph.numNodes * dim` float32 features, row after row. */
  readonly features: Float32Array;
  readonly dim: number;
  readonly fanouts: readonly number[];
  /** One weight per `graph.indices` entry: the Worker samples by edge weight (default: uniformly). */
  readonly edgeWeights?: Float32Array;
  /** Threads of the Worker's own CPU device (default 1). */
  readonly threads?: number;
  /** Time allowed for the Worker to load the data, and for each minibatch (default 300 s). */
  readonly timeoutMs?: number;
  /** Minibatches in flight at once (the epoch loop's prefetch; default 2): the Worker keeps host memory for as many. */
  readonly prefetch?: number;
  /** Seeds of one minibatch prepared once at start, so that the Worker's code and memory are warm. */
  readonly warmUpSeeds?: Int32Array;
}

interface Pending {
  readonly resolve: (batch: HostMinibatch | undefined) => void;
  readonly reject: (err: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * A single-node trainer's minibatch source that samples and gathers on a
 * Worker of its own, as the distributed trainer's partition-server Worker
 * does: the Worker holds a copy of the graph and the features on a CPU
 * device, prepares each minibatch while the training thread computes, and
 * posts it back as host arrays (transferred, not copied); the training
 * thread only uploads it, and sends the arrays back for the Worker to fill
 * again (fresh memory is first-touched at a fraction of the copy bandwidth). Requests queue in the Worker in order, so with
 * the epoch loop's prefetch several minibatches are in flight. The sampling
 * and feature times are the Worker's; the upload counts as feature time.
 * A Worker that fails or does not answer in time rejects every minibatch in
 * flight with an error naming it.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { ThreadedMinibatchSource } from "./threaded_minibatch_source.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const source = await ThreadedMinibatchSource.start({
 *   device,
 *   graph: { numNodes: 3, indptr: new Int32Array([0, 1, 2, 2]), indices: new Int32Array([1, 2]) },
 *   features: new Float32Array([1, 2, 3, 4, 5, 6]),
 *   dim: 2,
 *   fanouts: [1],
 * });
 * const batch = await source.next(new Int32Array([0]), 1);
 * console.assert(batch.numInput === 2);
 * batch.release();
 * await source.close();
 * device.destroy();
 * ```
 */
export class ThreadedMinibatchSource implements MinibatchSource {
  readonly fanouts: readonly number[];
  readonly dim: number;
  readonly #device: Device;
  readonly #numNodes: number;
  readonly #worker: Worker;
  readonly #timeoutMs: number;
  readonly #prefetch: number;
  readonly #pending = new Map<number | "start" | "close", Pending>();
  #nextId = 0;
  /** Why the Worker can no longer be used, once it failed or closed. */
  #broken: Error | undefined;

  private constructor(options: ThreadedSourceOptions) {
    this.fanouts = [...options.fanouts];
    this.dim = options.dim;
    this.#device = options.device;
    this.#numNodes = options.graph.numNodes;
    this.#timeoutMs = options.timeoutMs ?? 300_000;
    this.#prefetch = options.prefetch ?? 2;
    this.#worker = new Worker(new URL("./minibatch_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (e) => this.#receive(e.data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#fail(new Error(`the minibatch worker failed: ${e.message}`));
    };
  }

  /** Starts the Worker and hands it the data; resolves once it is ready (and warmed up). */
  static async start(options: ThreadedSourceOptions): Promise<ThreadedMinibatchSource> {
    const { graph, features, dim, edgeWeights } = options;
    if (features.length !== graph.numNodes * dim) {
      throw new RangeError(
        `ThreadedMinibatchSource: ${features.length} feature values for ${graph.numNodes} nodes of ${dim}`,
      );
    }
    if (edgeWeights && edgeWeights.length !== graph.indices.length) {
      throw new RangeError(
        `ThreadedMinibatchSource: ${edgeWeights.length} edge weights for ${graph.indices.length} edges`,
      );
    }
    const source = new ThreadedMinibatchSource(options);
    try {
      await source.#request("start", {
        kind: "start",
        numNodes: graph.numNodes,
        indptr: graph.indptr,
        indices: graph.indices,
        features,
        dim,
        fanouts: source.fanouts,
        threads: options.threads ?? 1,
        ...(options.edgeWeights ? { edgeWeights: options.edgeWeights } : {}),
      });
      if (options.warmUpSeeds) (await source.next(options.warmUpSeeds, 0)).release();
    } catch (err) {
      source.#worker.terminate();
      throw err;
    }
    return source;
  }

  async next(seeds: Int32Array, seed: number): Promise<PreparedMinibatch> {
    for (let i = 0; i < seeds.length; i++) {
      const v = seeds[i]!;
      if (!(v >= 0 && v < this.#numNodes)) {
        throw new RangeError(
          `sample: seed ${v} at position ${i} is not a node of the ${this.#numNodes}-node graph`,
        );
      }
    }
    const id = this.#nextId++;
    const host = await this.#request(id, { kind: "next", id, seeds: seeds.slice(), seed });
    if (!host || host.numSeeds !== seeds.length || host.blocks.length !== this.fanouts.length) {
      throw new Error(`the minibatch worker answered batch ${id} with the wrong shape`);
    }
    const t = performance.now();
    const batch = uploadHostMinibatch(this.#device, host);
    const buffers = [host.inputNodes.buffer, host.rows.buffer];
    for (const b of host.blocks) buffers.push(b.indptr.buffer, b.indices.buffer);
    if (!this.#broken) {
      const keep = buffers.length * (this.#prefetch + 2);
      this.#worker.postMessage({ kind: "recycle", buffers, keep }, buffers);
    }
    return { ...batch, featureMs: host.featureMs + performance.now() - t };
  }

  /** Stops the Worker (after its current minibatch); minibatches still in flight are rejected. */
  async close(): Promise<void> {
    if (this.#broken) return;
    try {
      await this.#request("close", { kind: "close" });
    } catch {
      // A Worker that cannot close cleanly is terminated all the same.
    }
    this.#fail(new Error("the minibatch worker is closed"));
  }

  #request(
    key: number | "start" | "close",
    message: WorkerRequest,
  ): Promise<HostMinibatch | undefined> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      const what = typeof key === "number" ? `batch ${key}` : key;
      const timer = setTimeout(() => {
        this.#fail(
          new Error(`the minibatch worker did not answer ${what} within ${this.#timeoutMs} ms`),
        );
      }, this.#timeoutMs);
      this.#pending.set(key, { resolve, reject, timer });
      this.#worker.postMessage(message);
    });
  }

  #receive(data: unknown): void {
    let m;
    try {
      m = checkWorkerReply(data);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    const key = m.kind === "ready" ? "start" : m.kind === "closed" ? "close" : m.id;
    if (m.kind === "error" && key === null) {
      this.#fail(new Error(`the minibatch worker: ${m.message}`));
      return;
    }
    const pending = this.#pending.get(key!);
    if (!pending) return;
    this.#pending.delete(key!);
    clearTimeout(pending.timer);
    if (m.kind === "error") pending.reject(new Error(`the minibatch worker: ${m.message}`));
    else pending.resolve(m.kind === "batch" ? m.batch : undefined);
  }

  /** Rejects everything in flight with `err` and ends the Worker. */
  #fail(err: Error): void {
    this.#broken ??= err;
    this.#worker.terminate();
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
  }
}
