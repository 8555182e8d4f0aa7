/**
 * The longest delay a timer honours: 2^31 - 1 ms (about 24.8 days). A longer
 * one fires after 1 ms instead, so every timeout below goes through
 * {@link timerDelay}.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `ms` as a timer delay: clamped to {@link MAX_TIMER_MS} (a wait that long
 * is "never" for a training run) and to at least 0. A `NaN` is a
 * `RangeError`: it would fire at once.
 *
 * @example
 * ```ts
 * import { MAX_TIMER_MS, timerDelay } from "./timer_delay.ts";
 * console.assert(timerDelay(86_400_000 * 30) === MAX_TIMER_MS);
 * console.assert(timerDelay(500) === 500);
 * ```
 */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) throw new RangeError("a timeout must be a number of ms, got NaN");
  return Math.max(0, Math.min(ms, MAX_TIMER_MS));
}
