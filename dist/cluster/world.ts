/**
 * The world every rank learns from the coordinator: who is in the job, what
 * each rank does and where its RPC server listens. Schema and types are one
 * definition.
 *
 * @example
 * ```ts
 * import { serviceUrl, worldSchema } from "./world.ts";
 * const world = worldSchema.parse({
 *   size: 1,
 *   ranks: [{
 *     rank: 0, role: "trainer", address: "ws://127.0.0.2:4000",
 *     services: { partition: "ws://127.0.0.2:4001" },
 *   }],
 * });
 * console.assert(serviceUrl(world.ranks[0]!, "partition") === "ws://127.0.0.2:4001");
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";

/**
 * One rank: its number, its role, the address of its own RPC server, and
 * every other service it serves by name, so no rank has to ask another where
 * a service listens. A rank sends this when it joins; the coordinator
 * hands every rank's back in the {@link World}.
 *
 * @example
 * ```ts
 * import type { RankInfo } from "./world.ts";
 * const trainer: RankInfo = {
 *   rank: 1, role: "trainer", address: "ws://127.0.0.3:4000",
 *   services: { partition: "ws://127.0.0.3:4001" },
 * };
 * ```
 */
export interface RankInfo {
  /** The rank's number, `0 .. size - 1`; rank 0 hosts the coordinator. */
  readonly rank: number;
  /** What the rank does: `trainer`, `server` or `client` (1-64 characters). */
  readonly role: string;
  /** `ws://` URL of the rank's own RPC server. */
  readonly address: string;
  /**
   * `ws://` URLs of the other services the rank serves, by service name; e.g.
   * `partition`: the Worker that serves its partition.
   */
  readonly services: Readonly<Record<string, string>>;
}

/**
 * The world as every rank sees it once all have joined: `size` ranks, listed
 * in rank order.
 *
 * @example
 * ```ts
 * import type { World } from "./world.ts";
 * const trainers = (world: World) => world.ranks.filter((r) => r.role === "trainer").length;
 * ```
 */
export interface World {
  /** Number of ranks, at least 1. */
  readonly size: number;
  /** Every rank's info, `ranks[r].rank === r`. */
  readonly ranks: readonly RankInfo[];
}

const url = z.string().min(1).max(512);

/** Schema of a {@link RankInfo}, checked where a rank joins. */
export const rankInfoSchema: z.ZodType<RankInfo> = z.object({
  rank: z.number().int().nonnegative(),
  role: z.string().min(1).max(64),
  address: url,
  services: z.record(z.string().min(1).max(64), url),
});

/** Schema of a {@link World}, checked where a rank receives it. */
export const worldSchema: z.ZodType<World> = z.object({
  size: z.number().int().positive(),
  ranks: z.array(rankInfoSchema),
});

/**
 * The URL of `rank`'s service `name`, or an error naming the rank and what it serves.
 *
 * @example
 * ```ts
 * import { serviceUrl } from "./world.ts";
 * const rank = { rank: 2, role: "trainer", address: "ws://127.0.0.4:4000", services: {} };
 * try {
 *   serviceUrl(rank, "partition");
 * } catch (e) {
 *   console.assert(String(e).includes("rank 2 (trainer at ws://127.0.0.4:4000) serves no"));
 * }
 * ```
 */
export function serviceUrl(rank: RankInfo, name: string): string {
  const url = rank.services[name];
  if (url === undefined) {
    const served = Object.keys(rank.services).join(", ") || "nothing else";
    throw new Error(
      `rank ${rank.rank} (${rank.role} at ${rank.address}) serves no "${name}" service (it serves ${served})`,
    );
  }
  return url;
}
