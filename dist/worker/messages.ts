/**
 * The link between a trainer (or sampling server) and its partition-server
 * Worker: one tagged union of requests, one of replies, checked on both
 * sides as RPC messages are. Every request carries an id; the Worker answers
 * each id exactly once, with a reply or an error whose class survives the
 * crossing (`encodeError` / `decodeError`). Typed arrays are transferred,
 * not copied.
 *
 * @example
 * ```ts
 * import { workerRequestSchema } from "./messages.ts";
 * const request = workerRequestSchema.parse({ kind: "prepare", id: 3, seeds: new Int32Array([1]), seed: 9 });
 * console.assert(request.kind === "prepare");
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { hostMinibatchSchema } from "./host_minibatch.ts";

const id = z.number().int().positive();
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array);

/** Loads partition `partition` of `dir` and serves it at `hostname` on `port` (absent or 0: a free one). */
export const startRequest = z.object({
  kind: z.literal("start"),
  id,
  dir: z.string().min(1),
  partition: z.number().int().nonnegative(),
  hostname: z.string().min(1),
  port: z.number().int().min(0).max(65535).optional(),
  secret: bytes,
  name: z.string().min(1),
  /** Drop a client that sends nothing this long (its heartbeats stopped); absent: never. */
  peerTimeoutMs: z.number().positive().optional(),
  /** Also load the partition's edge weights, so it can sample by weight. */
  edgeWeights: z.boolean().optional(),
});
export const startResponse = z.object({ url: z.string().url() });

/** Connects to the other partitions' services, to prepare minibatches with `fanouts`. */
export const connectRequest = z.object({
  kind: z.literal("connect"),
  id,
  /** `peers[p]`: partition `p`'s service URL (null for this one). */
  peers: z.array(z.string().nullable()),
  secret: bytes,
  fanouts: z.array(z.number().int().nonnegative()),
  timeoutMs: z.number().positive(),
  /** Heartbeats to every peer: one silent this long is gone; absent: no heartbeat. */
  peerTimeoutMs: z.number().positive().optional(),
  /** Prepare minibatches by edge weight (every partition server started with `edgeWeights`). */
  weighted: z.boolean().optional(),
});
export const connectResponse = z.null();

/** Prepares the minibatch of `seeds` (after `connect`): blocks and input features. */
export const prepareRequest = z.object({
  kind: z.literal("prepare"),
  id,
  seeds: z.instanceof(Int32Array),
  seed: z.number().int().min(0).max(0xffffffff),
});
export const prepareResponse = hostMinibatchSchema;

/**
 * The caller gave up on request `id` (a prepare that timed out or was
 * aborted): its minibatch is dropped instead of sent. Never answered.
 */
export const cancelRequest = z.object({ kind: z.literal("cancel"), id });

/** Closes the service and the peers' connections, and frees the partition. */
export const closeRequest = z.object({ kind: z.literal("close"), id });
export const closeResponse = z.null();

/** Every request to the Worker. */
export const workerRequestSchema = z.discriminatedUnion("kind", [
  startRequest,
  connectRequest,
  prepareRequest,
  cancelRequest,
  closeRequest,
]);
/** Any request to the Worker. */
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

/** An error as it crosses the link: its class name, message and own fields. */
export const wireErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()),
});

/** Every reply from the Worker: the answer to request `id`, or its error. */
export const workerReplySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reply"), id, payload: z.unknown() }),
  z.object({ kind: z.literal("error"), id: id.nullable(), error: wireErrorSchema }),
]);
/** Any reply from the Worker. */
export type WorkerReply = z.infer<typeof workerReplySchema>;
