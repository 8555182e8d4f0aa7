// The sampling server's methods for training clients, with their payload
// schemas, shared by the server and its clients so that the two cannot disagree.
import { z } from "zod";

export const INFO = "minibatch.info";
export const SEEDS = "minibatch.seeds";
export const PRODUCE = "minibatch.produce";
export const ATTACH = "minibatch.attach";
export const FINISH = "minibatch.finish";

const int32 = z.instanceof(Int32Array);

export const infoResponse = z.object({
  partition: z.number().int().nonnegative(),
  numNodes: z.number().int().positive(),
  featureDim: z.number().int().positive(),
  numClasses: z.number().int().positive(),
  fanouts: z.array(z.number().int().nonnegative()),
  /** Training seeds of every partition. */
  trainCounts: z.array(z.number().int().nonnegative()),
  partitioner: z.string(),
});
export type ServerInfo = z.infer<typeof infoResponse>;

export const seedsRequest = z.object({
  split: z.enum(["train", "test"]),
  /** Which of `count` clients asks: it gets every `count`-th seed from `index`. */
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
}).refine((r) => r.index < r.count, { message: "index must be below count" });
export const seedsResponse = z.object({ seeds: int32, labels: int32 });

export const produceRequest = z.object({
  seeds: int32,
  seed: z.number().int().min(0).max(0xffffffff),
});
export const produceResponse = z.object({
  numSeeds: z.number().int().nonnegative(),
  numInput: z.number().int().nonnegative(),
  inputNodes: int32,
  blocks: z.array(z.object({
    numDst: z.number().int().nonnegative(),
    numSrc: z.number().int().nonnegative(),
    numEdges: z.number().int().nonnegative(),
    indptr: int32,
    indices: int32,
  })),
  /** `numInput * featureDim` input features, row after row. */
  rows: z.instanceof(Float32Array),
});
export type ProducedMinibatch = z.infer<typeof produceResponse>;

export const clientRequest = z.object({ client: z.number().int().nonnegative() });

/** Largest minibatch message between a server and its clients: 1 GiB. */
export const MINIBATCH_MAX_BYTES = 1 << 30;
