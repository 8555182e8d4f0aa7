import type { MethodTable } from "../rpc/method_table.ts";
import type { OwnedPartition } from "./owned_partition.ts";
import { registerHeartbeat } from "../rpc/heartbeat.ts";
import {
  lookupRequest,
  PARTITION_HEARTBEAT,
  PARTITION_LOOKUP,
  PARTITION_SAMPLE,
  sampleRequest,
} from "./methods.ts";

/**
 * Registers the methods through which other ranks read this partition
 * (`methods.ts` declares their names and schemas):
 *
 * - sample `{ ids: Int32Array, fanout, seed, weighted? }` ->
 *   `{ offsets: Int32Array, neighbors: Int32Array }`: up to `fanout` distinct
 *   neighbours (global ids) of each owned global id, drawn on this owner's
 *   device with kernel seed `seed` exactly as the owner draws its own
 *   (with `weighted`, by edge weight).
 * - lookup `{ ids: Int32Array }` -> `{ rows: Float32Array }`: the
 *   feature rows of owned global ids, row after row.
 *
 * - heartbeat, answered at once (callers use it to notice a silent owner).
 *
 * An id this partition does not own fails the call with a `RangeError` that
 * names it (a `RemoteError` at the caller). Returns `methods`.
 *
 * @example
 * ```ts
 * import { MethodTable } from "../rpc/method_table.ts";
 * import type { OwnedPartition } from "./owned_partition.ts";
 * import { registerPartitionService } from "./partition_service.ts";
 * const serve = (owned: OwnedPartition) => registerPartitionService(new MethodTable(), owned);
 * ```
 */
export function registerPartitionService(
  methods: MethodTable,
  owned: OwnedPartition,
): MethodTable {
  return registerHeartbeat(methods, PARTITION_HEARTBEAT)
    .register(
      PARTITION_SAMPLE,
      sampleRequest,
      ({ ids, fanout, seed, weighted }) => owned.sample(ids, fanout, seed, weighted ?? false),
    )
    .register(PARTITION_LOOKUP, lookupRequest, async ({ ids }) => ({
      rows: await owned.lookup(ids),
    }));
}
