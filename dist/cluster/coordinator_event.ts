import type { RankReport } from "./rank_report.ts";
import type { RankInfo } from "./world.ts";

/**
 * What the coordinator tells its listeners (`Coordinator.listen`): a rank
 * joined, reported its live figures, left, failed (it asked to end the world
 * with a reason, or its connection dropped without leaving), or the world
 * shut down.
 *
 * @example
 * ```ts
 * import type { CoordinatorEvent } from "./coordinator_event.ts";
 * const line = (e: CoordinatorEvent) => e.kind === "failed" ? `rank ${e.rank}: ${e.reason}` : e.kind;
 * console.assert(line({ kind: "failed", rank: 1, reason: "disconnected" }) === "rank 1: disconnected");
 * ```
 */
export type CoordinatorEvent =
  | { readonly kind: "join"; readonly info: RankInfo }
  | { readonly kind: "report"; readonly report: RankReport }
  | { readonly kind: "leave"; readonly rank: number }
  | { readonly kind: "failed"; readonly rank: number; readonly reason: string }
  | { readonly kind: "shutdown"; readonly reason: string };
