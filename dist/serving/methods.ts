/**
 * A sampling server's methods for training clients (server-client mode):
 * their names and the schemas of their requests and responses, declared
 * once here for the server and its clients.
 *
 * @example
 * ```ts
 * import { MINIBATCH_LIST_SEEDS, seedsRequest } from "./methods.ts";
 * const share = seedsRequest.parse({ split: "train", index: 1, count: 2 });
 * console.assert(MINIBATCH_LIST_SEEDS === "minibatch.list_seeds" && share.index === 1);
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { hostMinibatchSchema } from "../worker/host_minibatch.ts";

const int32 = z.instanceof(Int32Array);

/** Called by a client on its server while connected: each notices when the other goes silent. */
export const MINIBATCH_HEARTBEAT = "minibatch.heartbeat";

/** The graph's sizes, the fan-outs the server samples with, and every partition's training seed count. */
export const MINIBATCH_DESCRIBE = "minibatch.describe";
export const describeRequest = z.null();
export const describeResponse: z.ZodType<ServerInfo> = z.object({
  partition: z.number().int().nonnegative(),
  numNodes: z.number().int().positive(),
  featureDim: z.number().int().positive(),
  numClasses: z.number().int().positive(),
  fanouts: z.array(z.number().int().nonnegative()),
  trainCounts: z.array(z.number().int().nonnegative()),
  partitioner: z.string(),
  dataset: z.string(),
});

/**
 * What a client learns of the graph and of its server from
 * `minibatch.describe`, before it asks for seeds or minibatches.
 *
 * @example
 * ```ts
 * import type { ServerInfo } from "./methods.ts";
 * const allTrainSeeds = (info: ServerInfo) => info.trainCounts.reduce((a, b) => a + b, 0);
 * ```
 */
export interface ServerInfo {
  /** The partition this server serves, `0 .. trainCounts.length - 1`. */
  readonly partition: number;
  /** Nodes of the whole graph; seeds must be below it. */
  readonly numNodes: number;
  /** Float32 values per feature row. */
  readonly featureDim: number;
  /** Label classes, the model's output width. */
  readonly numClasses: number;
  /** Neighbours the server samples per node at each hop, seeds' hop first. */
  readonly fanouts: readonly number[];
  /** Training seeds of every partition, by partition. */
  readonly trainCounts: readonly number[];
  /** The partitioner that split the graph (`random`, `frequency` or `locality`). */
  readonly partitioner: string;
  /** The partitioned dataset's name (clients record it in the models they save). */
  readonly dataset: string;
}

/** Client `index` of `count`'s share of the partition's train, valid or test seeds, with their labels. */
export const MINIBATCH_LIST_SEEDS = "minibatch.list_seeds";
export const seedsRequest = z.object({
  split: z.enum(["train", "valid", "test"]),
  /** Which of `count` clients asks: it gets every `count`-th seed from `index`. */
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
}).refine((r) => r.index < r.count, { message: "index must be below count" });
export const seedsResponse = z.object({ seeds: int32, labels: int32 });

/** A whole minibatch of `seeds`: blocks, input nodes and their features, as host arrays. */
export const MINIBATCH_PRODUCE = "minibatch.produce";
export const produceRequest = z.object({
  seeds: int32,
  seed: z.number().int().min(0).max(0xffffffff),
});
export const produceResponse = hostMinibatchSchema;

/** Held open while client `client` trains; its connection closing before `finish` means it died. */
export const MINIBATCH_ATTACH = "minibatch.attach";
/** Client `client` finished; ends its `attach`. */
export const MINIBATCH_FINISH = "minibatch.finish";
export const clientRequest = z.object({ client: z.number().int().nonnegative() });
export const clientResponse = z.null();

/** Client `client` ended epoch `epoch` of `epochs` (so its server can report the epoch). */
export const MINIBATCH_EPOCH = "minibatch.epoch";
export const epochRequest = z.object({
  client: z.number().int().nonnegative(),
  epoch: z.number().int().positive(),
  epochs: z.number().int().positive(),
  loss: z.number(),
  validAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
});

/** Largest minibatch message between a server and its clients: 1 GiB. */
export const MINIBATCH_MAX_BYTES = 1 << 30;
