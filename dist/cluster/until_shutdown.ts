/**
 * `p`, or a rejection saying why the world shut down if `signal` (a
 * `WorldMember.shutdownSignal`) fires first: a wait on a peer that will
 * never answer ends with the world instead of at its own timeout.
 *
 * @example
 * ```ts
 * import { untilShutdown } from "./until_shutdown.ts";
 * const world = new AbortController();
 * const waiting = untilShutdown(new Promise(() => {}), world.signal);
 * world.abort("rank 1 disconnected");
 * await waiting.catch((e) => console.assert(e.message.includes("rank 1 disconnected")));
 * ```
 */
export function untilShutdown<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const why = () =>
    new Error(
      `the cluster shut down: ${
        signal.reason instanceof Error ? signal.reason.message : String(signal.reason)
      }`,
    );
  if (signal.aborted) return Promise.reject(why());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(why());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
