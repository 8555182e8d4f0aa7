// The partition service's method names and payload schemas, shared by the
// service and its callers so that the two cannot disagree.
import { z } from "zod";

export const SAMPLE_NEIGHBORS = "sample_neighbors";
export const LOOKUP_FEATURES = "lookup_features";

const ids = z.instanceof(Int32Array);

export const sampleRequest = z.object({
  ids,
  fanout: z.number().int().min(1),
  seed: z.number().int().min(0).max(0xffffffff),
});
export const sampleResponse = z.object({
  offsets: z.instanceof(Int32Array),
  neighbors: z.instanceof(Int32Array),
});

export const lookupRequest = z.object({ ids });
export const lookupResponse = z.object({ rows: z.instanceof(Float32Array) });

/** Checks an answer against its schema; a mismatch is the peer's protocol bug. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  answer: unknown,
  method: string,
  peer: string,
): z.infer<S> {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    throw new TypeError(
      `"${method}" from ${peer} answered a malformed payload: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** The connection to partition `p`, or a `RangeError` saying there is none. */
export function peerOf<P>(peers: readonly (P | undefined)[], p: number, rank: number): P {
  const peer = peers[p];
  if (peer === undefined) {
    throw new RangeError(`partition ${rank} has no connection to partition ${p}'s owner`);
  }
  return peer;
}
