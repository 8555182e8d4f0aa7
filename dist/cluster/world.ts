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
import { z } from "zod";

const url = z.string().min(1).max(512);

/**
 * One rank: its number, its role (`trainer`, `server`, `client`, ...), the
 * address of its own RPC server, and every other service it serves by name
 * (e.g. `partition`: the Worker that serves its partition), so no rank has to
 * ask another where a service listens.
 */
export const rankInfoSchema = z.object({
  rank: z.number().int().nonnegative(),
  role: z.string().min(1).max(64),
  address: url,
  services: z.record(z.string().min(1).max(64), url),
});

/** The whole world: `size` ranks, listed in rank order. */
export const worldSchema = z.object({
  size: z.number().int().positive(),
  ranks: z.array(rankInfoSchema),
});

/** One rank's entry in the world. */
export type RankInfo = z.infer<typeof rankInfoSchema>;
/** The world as every rank sees it. */
export type World = z.infer<typeof worldSchema>;

/** The URL of `rank`'s service `name`, or an error naming the rank and what it serves. */
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
