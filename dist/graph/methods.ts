/**
 * The partition service's methods, through which other ranks read a
 * partition: their names and the schemas of their requests and responses,
 * declared once here for the service and its callers.
 *
 * @example
 * ```ts
 * import { PARTITION_SAMPLE, sampleRequest } from "./methods.ts";
 * const request = sampleRequest.parse({ ids: new Int32Array([4, 9]), fanout: 10, seed: 1 });
 * console.assert(PARTITION_SAMPLE === "partition.sample" && request.fanout === 10);
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";

const ids = z.instanceof(Int32Array);

/** Called by every rank that fetches from this partition, so that a silent owner is noticed. */
export const PARTITION_HEARTBEAT = "partition.heartbeat";

/**
 * Up to `fanout` distinct neighbours (global ids) of each owned global id,
 * drawn on the owner's device with kernel seed `seed` as the owner draws its
 * own: with `weighted`, by edge weight (the owner must hold its weights).
 */
export const PARTITION_SAMPLE = "partition.sample";
export const sampleRequest = z.object({
  ids,
  fanout: z.number().int().min(1),
  seed: z.number().int().min(0).max(0xffffffff),
  weighted: z.boolean().optional(),
});
export const sampleResponse = z.object({
  offsets: z.instanceof(Int32Array),
  neighbors: z.instanceof(Int32Array),
});

/** The feature rows of owned global ids, row after row. */
export const PARTITION_LOOKUP = "partition.lookup";
export const lookupRequest = z.object({ ids });
export const lookupResponse = z.object({ rows: z.instanceof(Float32Array) });
