/**
 * A barrier was not reached by every rank in time. `missing` lists the ranks
 * that never arrived, in increasing order.
 *
 * @example
 * ```ts
 * import { BarrierTimeoutError } from "./barrier_timeout_error.ts";
 * const err = new BarrierTimeoutError("epoch-1", [2, 3], 1000);
 * console.assert(err.message.includes("2, 3"));
 * ```
 */
export class BarrierTimeoutError extends Error {
  /**
   * Always `"BarrierTimeoutError"`; the class name survives logs and the Worker link's error codec.
   */
  override readonly name = "BarrierTimeoutError";
  /** The barrier's name. */
  readonly barrier: string;
  /** Ranks that had not arrived when the timeout expired. */
  readonly missing: readonly number[];

  /** Builds the message naming the barrier, the timeout and the ranks that never arrived. */
  constructor(
    barrier: string,
    missing: readonly number[],
    timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(
      `barrier "${barrier}" timed out after ${timeoutMs} ms; ranks that never arrived: ${
        missing.join(", ")
      }`,
      options,
    );
    this.barrier = barrier;
    this.missing = missing;
  }
}
