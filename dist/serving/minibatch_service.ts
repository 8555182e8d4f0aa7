import { registerHeartbeat } from "../rpc/heartbeat.ts";
import type { MethodTable } from "../rpc/method_table.ts";
import type { HostMinibatch } from "../worker/host_minibatch.ts";
import type { PartitionServer } from "../worker/partition_server.ts";
import {
  clientRequest,
  describeRequest,
  epochRequest,
  MINIBATCH_ATTACH,
  MINIBATCH_DESCRIBE,
  MINIBATCH_EPOCH,
  MINIBATCH_FINISH,
  MINIBATCH_HEARTBEAT,
  MINIBATCH_LIST_SEEDS,
  MINIBATCH_PRODUCE,
  produceRequest,
  seedsRequest,
  type ServerInfo,
} from "./methods.ts";
import { checkSeeds } from "../../engine/check_seeds.ts";

/**
 * What a server reports of its clients: one attached, all of them ended an
 * epoch (with the minibatches prepared for it and the time that took, and
 * client-reported loss and accuracy of the lowest-numbered client), one finished.
 *
 * @example
 * ```ts
 * import type { MinibatchServiceEvent } from "./minibatch_service.ts";
 * const describe = (e: MinibatchServiceEvent) =>
 *   e.kind === "epoch" ? `epoch ${e.epoch + 1}/${e.epochs}: ${e.minibatches} minibatches` : `client ${e.client} ${e.kind}`;
 * ```
 */
export type MinibatchServiceEvent =
  | { readonly kind: "attached"; readonly client: number; readonly peer: string }
  | {
    readonly kind: "epoch";
    readonly epoch: number;
    readonly epochs: number;
    readonly minibatches: number;
    readonly prepareMs: number;
    readonly loss: number;
    readonly validAccuracy: number | null;
    readonly testAccuracy: number | null;
  }
  | { readonly kind: "finished"; readonly client: number };

/**
 * Options of {@link MinibatchService}.
 *
 * @example
 * ```ts
 * import type { MinibatchServiceOptions } from "./minibatch_service.ts";
 * const clientsLeft = (o: MinibatchServiceOptions, finished: number) => o.numClients - finished;
 * ```
 */
export interface MinibatchServiceOptions {
  /** This partition's server; its Worker prepares the minibatches (after `connect`). */
  readonly server: PartitionServer;
  /** What a client learns of the graph and of this server. */
  readonly info: ServerInfo;
  /** The partition's owned seeds and the labels of its owned nodes (local order from `offset`). */
  readonly partition: {
    readonly offset: number;
    readonly labels: Int32Array;
    readonly train: Int32Array;
    readonly valid: Int32Array;
    readonly test: Int32Array;
  };
  /** How many clients this server serves: `finished` waits for that many. */
  readonly numClients: number;
  /** Time allowed for each remote call of a minibatch. */
  readonly timeoutMs: number;
  /** Hears clients attach, finish, and end each epoch. */
  readonly onEvent?: (event: MinibatchServiceEvent) => void;
}

/**
 * What a sampling server offers training clients (server-client mode;
 * `methods.ts` declares the names and schemas):
 *
 * - describe -> the graph's sizes, the fan-outs the server samples with, and
 *   every partition's training seed count;
 * - list seeds `{ split, index, count }` -> `{ seeds, labels }`: client
 *   `index` of `count`'s share of this partition's train, valid or test seeds;
 * - produce `{ seeds, seed }` -> the sampled blocks as host arrays, the input
 *   nodes and their features, prepared by the partition server's Worker
 *   exactly as a collocated trainer's minibatches are;
 * - attach `{ client }`, held open while the client trains, and finish
 *   `{ client }`, which ends it;
 * - heartbeat, answered at once (each side notices when the other goes silent).
 *
 * `finished` resolves once `numClients` clients finished, and rejects,
 * naming the client, when an attached client's connection closes before it
 * finished (it died): the server then knows to end the world.
 *
 * @example
 * ```ts ignore
 * import { MethodTable } from "../rpc/method_table.ts";
 * import { MinibatchService } from "./minibatch_service.ts";
 * const service = new MinibatchService({ server, info, partition, numClients: 2, timeoutMs: 60_000 });
 * const methods = new MethodTable();
 * service.register(methods);
 * await service.finished;
 * ```
 */
export class MinibatchService {
  readonly #options: MinibatchServiceOptions;
  readonly #attached = new Map<number, () => void>();
  readonly #finished = new Set<number>();
  readonly #done = Promise.withResolvers<void>();
  /** Per epoch, the clients that ended it; the first to report gives loss and accuracy. */
  readonly #epochs = new Map<
    number,
    { clients: Set<number>; first: number; loss: number; valid: number | null; acc: number | null }
  >();
  #minibatches = 0;
  #prepareMs = 0;

  /**
   * Throws `RangeError` unless `numClients` is a positive integer; `register` then puts the methods
   * on a server's table.
   */
  constructor(options: MinibatchServiceOptions) {
    if (!Number.isInteger(options.numClients) || options.numClients < 1) {
      throw new RangeError(`numClients must be a positive integer, got ${options.numClients}`);
    }
    this.#options = options;
    this.#done.promise.catch(() => {});
  }

  /** Resolves when every client finished; rejects when one disconnects before it did. */
  get finished(): Promise<void> {
    return this.#done.promise;
  }

  /** Registers the minibatch methods on `methods`; returns `methods`. */
  register(methods: MethodTable): MethodTable {
    const o = this.#options;
    return registerHeartbeat(methods, MINIBATCH_HEARTBEAT)
      .register(MINIBATCH_DESCRIBE, describeRequest, () => o.info)
      .register(MINIBATCH_LIST_SEEDS, seedsRequest, ({ split, index, count }) => {
        const all = o.partition[split];
        const seeds = all.filter((_, i) => i % count === index);
        const labels = seeds.map((id) => o.partition.labels[id - o.partition.offset]!);
        return { seeds, labels };
      })
      .register(
        MINIBATCH_PRODUCE,
        produceRequest,
        ({ seeds, seed }, ctx) => this.#produce(seeds, seed, ctx.signal),
      )
      .register(MINIBATCH_ATTACH, clientRequest, ({ client }, ctx) => {
        if (this.#attached.has(client) || this.#finished.has(client)) {
          throw new Error(`client ${client} is already attached`);
        }
        return new Promise<null>((resolve) => {
          const onClose = () => {
            this.#attached.delete(client);
            const r = ctx.signal.reason;
            const why = r instanceof Error || r instanceof DOMException ? r.message : String(r);
            this.#done.reject(new Error(`${ctx.peer} disconnected before it finished (${why})`));
            resolve(null);
          };
          ctx.signal.addEventListener("abort", onClose, { once: true });
          this.#attached.set(client, () => {
            ctx.signal.removeEventListener("abort", onClose);
            resolve(null);
          });
          o.onEvent?.({ kind: "attached", client, peer: ctx.peer });
        });
      })
      .register(MINIBATCH_EPOCH, epochRequest, (r) => {
        this.#endEpoch(r);
        return null;
      })
      .register(MINIBATCH_FINISH, clientRequest, ({ client }) => {
        const release = this.#attached.get(client);
        if (!release) throw new Error(`client ${client} finished without being attached`);
        this.#attached.delete(client);
        this.#finished.add(client);
        release();
        o.onEvent?.({ kind: "finished", client });
        if (this.#finished.size >= o.numClients) this.#done.resolve();
        return null;
      });
  }

  #produce(seeds: Int32Array, seed: number, signal: AbortSignal): Promise<HostMinibatch> {
    const o = this.#options;
    checkSeeds(seeds, o.info.numNodes, MINIBATCH_PRODUCE);
    // Every remote call of a minibatch may take the RPC timeout.
    const timeoutMs = o.timeoutMs * (o.info.fanouts.length + 2);
    const t0 = performance.now();
    return o.server.prepare(seeds, seed, timeoutMs, signal).then((m) => {
      this.#minibatches++;
      this.#prepareMs += performance.now() - t0;
      return m;
    });
  }

  #endEpoch(
    r: {
      client: number;
      epoch: number;
      epochs: number;
      loss: number;
      validAccuracy: number | null;
      testAccuracy: number | null;
    },
  ) {
    const o = this.#options;
    let e = this.#epochs.get(r.epoch);
    if (!e) {
      this.#epochs.set(
        r.epoch,
        e = {
          clients: new Set(),
          first: r.client,
          loss: r.loss,
          valid: r.validAccuracy,
          acc: r.testAccuracy,
        },
      );
    }
    if (r.client < e.first) {
      Object.assign(e, {
        first: r.client,
        loss: r.loss,
        valid: r.validAccuracy,
        acc: r.testAccuracy,
      });
    }
    e.clients.add(r.client);
    if (e.clients.size < o.numClients) return;
    this.#epochs.delete(r.epoch);
    o.onEvent?.({
      kind: "epoch",
      epoch: r.epoch,
      epochs: r.epochs,
      minibatches: this.#minibatches,
      prepareMs: this.#prepareMs,
      loss: e.loss,
      validAccuracy: e.valid,
      testAccuracy: e.acc,
    });
    this.#minibatches = 0;
    this.#prepareMs = 0;
  }
}
