import { timerDelay } from "./timer_delay.ts";

/** Options of {@link watchSilence}. */
export interface WatchSilenceOptions {
  /** Silence longer than this is the peer's failure. */
  readonly limitMs: number;
  /** When the peer was last heard from, in `performance.now()` ms. */
  readonly lastHeard: () => number;
  /** Called once, with how long it has been quiet, when the limit is passed. */
  readonly onSilent: (quietMs: number) => void;
  /** Called on every check that found the peer in time (a heartbeat goes out here). */
  readonly onTick?: () => void;
}

/**
 * Checks a connection's peer every fifth of `limitMs` and calls `onSilent`
 * when it has not been heard from for longer than `limitMs`. After a check
 * that comes late (this process's own event loop was held up, by a long step
 * or a starved machine), silence counts afresh from then: the peer's frames
 * may be waiting, unread, behind the stall, or the peer was held up by the
 * same cause, and a process must not blame a peer for its own pause.
 * The timer does not keep the process alive. Returns a function that stops
 * the watch.
 *
 * @example
 * ```ts
 * import { watchSilence } from "./watch_silence.ts";
 * let heard = performance.now();
 * const stop = watchSilence({
 *   limitMs: 1000,
 *   lastHeard: () => heard,
 *   onSilent: (ms) => console.log(`silent for ${ms} ms`),
 * });
 * heard = performance.now(); // a frame arrived
 * stop();
 * ```
 */
export function watchSilence(options: WatchSilenceOptions): () => void {
  const { limitMs, lastHeard, onSilent, onTick } = options;
  if (!(limitMs > 0)) throw new RangeError(`limitMs must be > 0, got ${limitMs}`);
  const periodMs = Math.max(10, limitMs / 5);
  let lastCheck = performance.now();
  /** When this process last came back from a stall of its own: silence counts from then. */
  let resumed = -Infinity;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - lastCheck > 2 * periodMs) resumed = now;
    lastCheck = now;
    const quiet = now - Math.max(lastHeard(), resumed);
    if (quiet > limitMs) {
      clearInterval(timer);
      onSilent(Math.round(quiet));
    } else {
      onTick?.();
    }
  }, timerDelay(periodMs));
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
