/**
 * Serves one partition's sampling and feature methods from a Worker of its
 * own, so that peers are answered at once even while this process's main
 * thread is busy training (a training step holds the main thread for
 * hundreds of milliseconds; a service sharing it would stall every peer).
 *
 * The same Worker can also prepare this trainer's minibatches (see
 * `WorkerSampler`): it samples over its own copy of the partition and the
 * peers' services and fetches the input features, on its own event loop,
 * so the remote round trips progress while the main thread trains.
 *
 * @example
 * ```ts ignore
 * import { PartitionServer } from "./partition_server.ts";
 * const server = await PartitionServer.start({
 *   dir: "out/p2", rank: 0, hostname: "127.0.0.1", secret, name: "partition 0", timeoutMs: 60_000,
 * });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export class PartitionServer {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #failed: Error | undefined;

  private constructor(
    readonly url: string,
    readonly name: string,
    readonly worker: Worker,
    readonly timeoutMs: number,
  ) {
    worker.onmessage = (e: MessageEvent<Reply>) => this.#settle(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.#failAll(new Error(`${name} failed: ${e.message}`));
    };
  }

  /** Loads partition `rank` of `dir` in a new Worker and serves it at `hostname` on a free port. */
  static async start(options: {
    readonly dir: string;
    readonly rank: number;
    readonly hostname: string;
    readonly secret: Uint8Array;
    readonly name: string;
    readonly timeoutMs: number;
  }): Promise<PartitionServer> {
    const worker = new Worker(new URL("./partition_server_worker.ts", import.meta.url).href, {
      type: "module",
    });
    const { timeoutMs, ...start } = options;
    try {
      const reply = await askOnce(
        worker,
        { kind: "start", id: 0, ...start },
        timeoutMs,
        options.name,
      );
      return new PartitionServer(reply.url as string, options.name, worker, timeoutMs);
    } catch (err) {
      worker.terminate();
      throw err;
    }
  }

  /**
   * Sends `message` to the Worker with `replies` fresh ids (default 1) and
   * returns one promise per id: the Worker answers each id once, in turn
   * (a minibatch, then its features), or with an error. Each waits at most
   * `timeoutMs` (default: the server's).
   */
  request(
    message: Record<string, unknown>,
    options: { transfer?: Transferable[]; timeoutMs?: number; replies?: number } = {},
  ): Promise<Record<string, unknown>>[] {
    const ids = Array.from({ length: options.replies ?? 1 }, () => this.#nextId++);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const replies = ids.map((id) => this.#expect(id, timeoutMs, String(message.kind)));
    if (this.#failed) {
      for (const id of ids) this.#reject(id, this.#failed);
    } else {
      this.worker.postMessage({ ...message, ids }, options.transfer ?? []);
    }
    return replies;
  }

  /**
   * Has the Worker connect to the other partitions' services (`peers[p]`:
   * partition `p`'s URL, undefined for this one) so that it can prepare
   * minibatches with `fanouts`; resolves when it has.
   */
  async connect(options: {
    readonly peers: readonly (string | undefined)[];
    readonly secret: Uint8Array;
    readonly fanouts: readonly number[];
    readonly timeoutMs: number;
  }): Promise<void> {
    await this.request({
      kind: "connect",
      peers: Array.from(options.peers, (u) => u ?? null),
      secret: options.secret,
      fanouts: [...options.fanouts],
      timeoutMs: options.timeoutMs,
    }, { timeoutMs: options.timeoutMs * Math.max(1, options.peers.length) })[0];
  }

  /**
   * Has the Worker prepare the minibatch of `seeds` (after `connect`): the
   * blocks as host arrays as soon as they are sampled, then the input
   * features, `numInput * dim` values row after row. Each waits at most
   * `timeoutMs`.
   */
  prepare(seeds: Int32Array, seed: number, timeoutMs: number): PreparedMinibatch {
    const [blocks, features] = this.request(
      { kind: "sample", seeds: seeds.slice(), seed },
      { replies: 2, timeoutMs },
    );
    return {
      blocks: blocks!.then((r) => r as unknown as HostMinibatch),
      features: features!.then((r) => r.rows as Float32Array<ArrayBuffer>),
    };
  }

  /** Closes the server's connections and ends the Worker. */
  async close(): Promise<void> {
    try {
      await this.request({ kind: "close" })[0];
    } finally {
      this.#failAll(new Error(`${this.name} closed`));
      this.worker.terminate();
    }
  }

  #expect(id: number, timeoutMs: number, what: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name} did not answer "${what}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
  }

  #settle(reply: Reply): void {
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.kind === "error") {
      const error = new Error(String(reply.message));
      if (typeof reply.name === "string") error.name = reply.name;
      p.reject(error);
    } else {
      p.resolve(reply);
    }
  }

  #reject(id: number, error: Error): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.reject(error);
  }

  #failAll(error: Error): void {
    this.#failed ??= error;
    for (const id of [...this.#pending.keys()]) this.#reject(id, error);
  }
}

/** A minibatch's blocks as host arrays, as the Worker posts them. */
export interface HostMinibatch {
  readonly numSeeds: number;
  readonly numInput: number;
  /** `numInput` global ids, seeds first. */
  readonly inputNodes: Int32Array<ArrayBuffer>;
  /** Outermost first, as `MiniBatch.blocks`. */
  readonly blocks: readonly HostBlock[];
}

/** One block as host arrays. */
export interface HostBlock {
  readonly numDst: number;
  readonly numSrc: number;
  readonly numEdges: number;
  readonly indptr: Int32Array<ArrayBuffer>;
  readonly indices: Int32Array<ArrayBuffer>;
}

/** The two answers of `PartitionServer.prepare`. */
export interface PreparedMinibatch {
  readonly blocks: Promise<HostMinibatch>;
  readonly features: Promise<Float32Array<ArrayBuffer>>;
}

interface Pending {
  readonly resolve: (reply: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

type Reply = Record<string, unknown> & { readonly id: number; readonly kind: string };

/** Starts the Worker `name` and waits for its answer, an error, or the timeout; errors name it. */
function askOnce(
  worker: Worker,
  message: unknown,
  timeoutMs: number,
  name: string,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`${name} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (error?: Error, reply?: Record<string, unknown>) => {
      clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      if (error) reject(error);
      else resolve(reply!);
    };
    worker.onmessage = (e: MessageEvent<Record<string, unknown>>) =>
      e.data.kind === "error"
        ? done(new Error(`${name}: ${String(e.data.message)}`))
        : done(undefined, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      done(new Error(`${name}: its worker failed: ${e.message}`));
    };
    worker.postMessage(message);
  });
}
