/**
 * The coordinator's and the ring's methods: their names and the schemas of
 * their requests and responses, declared once here for the server that
 * registers them and the callers that check the answers.
 *
 * @example
 * ```ts
 * import { COORD_JOIN, joinRequest } from "./methods.ts";
 * const info = joinRequest.parse({ rank: 0, role: "trainer", address: "ws://127.0.0.2:4000", services: {} });
 * console.assert(COORD_JOIN === "coord.join" && info.rank === 0);
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { type Fingerprint, fingerprintSchema } from "./fingerprint.ts";
import { type RankInfo, rankInfoSchema, worldSchema } from "./world.ts";
import { rankReportSchema } from "./rank_report.ts";

const rank = z.number().int();

/** Called by every rank while it is connected: a coordinator that stops answering is gone. */
export const COORD_HEARTBEAT = "coord.heartbeat";

/**
 * A rank joins with its role, its addresses and the fingerprint of what must
 * agree across ranks; answered with the whole world once all joined, or
 * refused (every rank) when two fingerprints differ.
 */
export const COORD_JOIN = "coord.join";
export const joinRequest: z.ZodType<RankInfo & { readonly fingerprint?: Fingerprint | undefined }> =
  z.intersection(rankInfoSchema, z.object({ fingerprint: fingerprintSchema.optional() }));
export const joinResponse = worldSchema;

/** A rank arrives at a named barrier; answered once every rank arrived. */
export const COORD_ARRIVE = "coord.arrive";
export const arriveRequest = z.object({
  name: z.string().min(1),
  rank,
  timeoutMs: z.number().positive(),
});
export const arriveResponse = z.null();

/** Held open until the world shuts down; answered with the reason. */
export const COORD_WATCH = "coord.watch";
export const watchRequest = z.object({ rank });
export const watchResponse = z.object({ reason: z.string() });

/** A rank says it is leaving, so that its disconnection does not end the world. */
export const COORD_LEAVE = "coord.leave";
export const leaveRequest = z.object({ rank });
export const leaveResponse = z.null();

/** A rank ends the world; every watching rank is told why. */
export const COORD_SHUTDOWN = "coord.shutdown";
export const shutdownRequest = z.object({ rank, reason: z.string() });
export const shutdownResponse = z.null();

/** The data of a `ConfigMismatchError` answered by `coord.join`. */
export const configMismatchData = z.object({
  ranks: z.tuple([z.number(), z.number()]),
  field: z.string(),
});

/** The data of a `BarrierTimeoutError` answered by `coord.arrive`. */
export const barrierTimeoutData = z.object({ missing: z.array(z.number()) });

/** Called by a rank on its right neighbour in the ring, so that a silent one is noticed. */
export const RING_HEARTBEAT = "ring.heartbeat";

/** One piece of a ring all-reduce step, pushed to the right neighbour's mailbox. */
export const RING_PUSH = "ring.push";
export const pushRequest = z.object({
  op: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  piece: z.number().int().nonnegative(),
  from: z.number().int().nonnegative(),
  data: z.instanceof(Float32Array),
});
export const pushResponse = z.null();

/**
 * Before joining, each process reports where it runs (its node, its index
 * there and, when it knows them, its node's process count and its rank);
 * answered, once the census is complete, with every rank's place.
 */
export const CENSUS_REPORT = "census.report";
export const censusReport = z.object({
  node: z.number().int().nonnegative(),
  local: z.number().int().nonnegative(),
  count: z.number().int().positive().nullable(),
  rank: z.number().int().nonnegative().nullable(),
  timeoutMs: z.number().positive(),
});
export const censusResult = z.object({
  size: z.number().int().positive(),
  /** Every rank's node and index there, in rank order. */
  places: z.array(z.object({ node: z.number().int(), local: z.number().int() })),
});

/**
 * A rank's live figures (`RankReport`), sent about once a second while it
 * trains. Answered with nothing; cheap to lose.
 */
export const COORD_REPORT = "coord.report";
export const reportRequest = rankReportSchema;
export const reportResponse = z.null();
