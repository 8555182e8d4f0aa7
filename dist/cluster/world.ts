/**
 * The world every rank learns from the coordinator: who is in the job, what
 * each rank does and where its RPC server listens. Schema and types are one
 * definition.
 *
 * @example
 * ```ts
 * import { worldSchema } from "./world.ts";
 * const world = worldSchema.parse({
 *   size: 1,
 *   ranks: [{ rank: 0, role: "trainer", address: "ws://127.0.0.2:4000" }],
 * });
 * console.assert(world.ranks[0]?.role === "trainer");
 * ```
 * @module
 */
import { z } from "zod";

/** One rank: its number, its role (`trainer`, `server`, `client`, ...) and RPC address. */
export const rankInfoSchema = z.object({
  rank: z.number().int().nonnegative(),
  role: z.string().min(1).max(64),
  address: z.string().min(1).max(512),
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
