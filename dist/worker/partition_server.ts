import type { z } from "npm:zod@4.6.7";
import { PendingCalls } from "../rpc/pending_calls.ts";
import { decodeError } from "./error_codec.ts";
import type { HostMinibatch } from "./host_minibatch.ts";
import {
  closeResponse,
  connectResponse,
  prepareResponse,
  startResponse,
  workerReplySchema,
  type WorkerRequest,
} from "./messages.ts";

/** Longest wait for the Worker to close before it is ended anyway. */
const CLOSE_MS = 10_000;

/** A request as the caller writes it: the id is added by the link. */
type Ask = WorkerRequest extends infer R ? R extends WorkerRequest ? Omit<R, "id"> : never
  : never;

/**
 * Serves one partition's sampling and feature methods from a Worker of its
 * own, so that peers are answered at once even while this process's main
 * thread is busy training (a training step holds the main thread for
 * hundreds of milliseconds; a service sharing it would stall every peer).
 *
 * The same Worker also prepares this process's minibatches (see
 * `WorkerSampler` and the sampling server's `MinibatchService`): it samples
 * over its own copy of the partition and the peers' services and gathers
 * the input features, on its own event loop, so the remote round trips
 * progress while the main thread trains.
 *
 * The link is typed (`messages.ts`) and uses the RPC client's pending-call
 * machinery: every request has a timeout, a Worker that fails rejects every
 * request at once naming the server, and errors keep their class.
 *
 * @example
 * ```ts ignore
 * import { PartitionServer } from "./partition_server.ts";
 * const server = await PartitionServer.start({
 *   dir: "out/p2", partition: 0, hostname: "127.0.0.1", secret, name: "partition 0", timeoutMs: 60_000,
 * });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export class PartitionServer {
  /** Where the partition's service listens (after `start`). */
  url = "";
  readonly #worker: Worker;
  readonly #pending: PendingCalls;
  #failed: Error | undefined;

  private constructor(readonly name: string, readonly timeoutMs: number) {
    this.#pending = new PendingCalls(name);
    this.#worker = new Worker(new URL("./partition_server_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent<unknown>) => this.#settle(e.data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#fail(new Error(`${name} failed: ${e.message}`));
    };
  }

  /** Loads `partition` of `dir` in a new Worker and serves it at `hostname` on `port` (default: a free one). */
  static async start(options: {
    readonly dir: string;
    readonly partition: number;
    readonly hostname: string;
    readonly port?: number;
    readonly secret: Uint8Array;
    readonly name: string;
    readonly timeoutMs: number;
    /** Drop a client silent this long (its heartbeats stopped); default never. */
    readonly peerTimeoutMs?: number;
    /** Also load the partition's edge weights, to sample by weight (default: not). */
    readonly edgeWeights?: boolean;
  }): Promise<PartitionServer> {
    const { timeoutMs, ...start } = options;
    const server = new PartitionServer(options.name, timeoutMs);
    try {
      const { url } = await server.#call({ kind: "start", ...start }, startResponse, timeoutMs);
      server.url = url;
      return server;
    } catch (err) {
      server.#fail(new Error(`${options.name} did not start`));
      throw err;
    }
  }

  /**
   * Has the Worker connect to the other partitions' services (`peers[p]`:
   * partition `p`'s URL, undefined for this one) so that it can prepare
   * minibatches with `fanouts` (with `weighted`, by edge weight: every
   * partition server must have started with `edgeWeights`); resolves when it has.
   */
  async connect(options: {
    readonly peers: readonly (string | undefined)[];
    readonly secret: Uint8Array;
    readonly fanouts: readonly number[];
    readonly timeoutMs: number;
    /** Heartbeats to every peer: one silent this long is gone; default no heartbeat. */
    readonly peerTimeoutMs?: number;
    /** Sample by edge weight (default: uniformly). */
    readonly weighted?: boolean;
  }): Promise<void> {
    await this.#call(
      {
        kind: "connect",
        peers: Array.from(options.peers, (u) => u ?? null),
        secret: options.secret,
        fanouts: [...options.fanouts],
        timeoutMs: options.timeoutMs,
        ...(options.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.peerTimeoutMs }),
        ...(options.weighted ? { weighted: true } : {}),
      },
      connectResponse,
      options.timeoutMs * Math.max(1, options.peers.length),
    );
  }

  /**
   * Has the Worker prepare the minibatch of `seeds` (after `connect`): its
   * blocks and input features as host arrays, within `timeoutMs`.
   */
  prepare(
    seeds: Int32Array,
    seed: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<HostMinibatch> {
    const own = seeds.slice();
    return this.#call({ kind: "prepare", seeds: own, seed }, prepareResponse, timeoutMs, {
      signal,
      transfer: [own.buffer],
    });
  }

  /** Closes the server's connections and ends the Worker (after at most 10 s). */
  async close(): Promise<void> {
    try {
      await this.#call({ kind: "close" }, closeResponse, CLOSE_MS);
    } finally {
      this.#fail(new Error(`${this.name} closed`));
    }
  }

  #call<S extends z.ZodType>(
    ask: Ask,
    response: S,
    timeoutMs: number,
    options: { signal?: AbortSignal | undefined; transfer?: ArrayBuffer[] } = {},
  ): Promise<z.infer<S>> {
    const { id, promise } = this.#pending.add(
      ask.kind,
      timeoutMs,
      options.signal,
      // The Worker then drops the answer instead of preparing it for nobody to the end.
      ask.kind === "prepare" ? (gaveUp) => this.#cancel(gaveUp) : undefined,
    );
    if (this.#failed) {
      this.#pending.reject(id, this.#failed);
    } else {
      this.#worker.postMessage({ ...ask, id }, options.transfer ?? []);
    }
    return promise.then((payload) => {
      const parsed = response.safeParse(payload);
      if (!parsed.success) {
        throw new TypeError(`${this.name} answered "${ask.kind}" with ${parsed.error.message}`);
      }
      return parsed.data;
    });
  }

  #cancel(id: number): void {
    if (!this.#failed) this.#worker.postMessage({ kind: "cancel", id });
  }

  #settle(data: unknown): void {
    const reply = workerReplySchema.safeParse(data);
    if (!reply.success) {
      return this.#fail(
        new TypeError(`${this.name} sent a malformed reply: ${reply.error.message}`),
      );
    }
    const r = reply.data;
    if (r.kind === "reply") {
      this.#pending.resolve(r.id, r.payload);
    } else if (r.id === null) {
      this.#fail(decodeError(r.error, "worker", this.name));
    } else {
      this.#pending.reject(
        r.id,
        decodeError(r.error, this.#pending.method(r.id) ?? "?", this.name),
      );
    }
  }

  /** Rejects every request, now and later, with `error`, and ends the Worker. */
  #fail(error: Error): void {
    this.#failed ??= error;
    this.#pending.rejectAll(() => error);
    this.#worker.terminate();
  }
}
