import { RpcTimeoutError } from "./rpc_timeout_error.ts";
import { timerDelay } from "./timer_delay.ts";

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly cleanup: () => void;
}

/**
 * The calls a connection is waiting on, by request id. Each has a timer and an
 * optional abort signal; whichever of answer, timeout, abort or connection
 * loss comes first settles it and clears the others. Owns no I/O.
 *
 * @example
 * ```ts
 * import { PendingCalls } from "./pending_calls.ts";
 * const calls = new PendingCalls("rank 1");
 * const { id, promise } = calls.add("echo", 1000);
 * calls.resolve(id, "pong");
 * console.assert(await promise === "pong");
 * ```
 */
export class PendingCalls {
  readonly #peer: string;
  readonly #calls = new Map<number, Pending>();
  #nextId = 1;

  /** `peer` names the other end in every error a call settles with. */
  constructor(peer: string) {
    this.#peer = peer;
  }

  /** Number of calls still waiting. */
  get size(): number {
    return this.#calls.size;
  }

  /**
   * Registers a call. `onGiveUp` runs if it times out or is aborted (to tell
   * the peer); the returned promise settles exactly once.
   */
  add(
    method: string,
    timeoutMs: number,
    signal?: AbortSignal,
    onGiveUp?: (id: number) => void,
  ): { id: number; promise: Promise<unknown> } {
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const timer = setTimeout(() => {
      this.reject(id, new RpcTimeoutError(method, this.#peer, timeoutMs));
      onGiveUp?.(id);
    }, timerDelay(timeoutMs));
    const onAbort = () => {
      const reason = signal?.reason;
      this.reject(
        id,
        reason instanceof Error ? reason : new DOMException(
          `call "${method}" to ${this.#peer} aborted${
            reason === undefined ? "" : `: ${String(reason)}`
          }`,
          "AbortError",
        ),
      );
      onGiveUp?.(id);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    this.#calls.set(id, { method, resolve, reject, cleanup });
    return { id, promise };
  }

  /** The method of a pending call, or undefined if it is not pending. */
  method(id: number): string | undefined {
    return this.#calls.get(id)?.method;
  }

  /** Settles call `id` with a value; false if it was not pending. */
  resolve(id: number, value: unknown): boolean {
    const call = this.#take(id);
    call?.resolve(value);
    return call !== undefined;
  }

  /** Settles call `id` with an error; false if it was not pending. */
  reject(id: number, error: Error): boolean {
    const call = this.#take(id);
    call?.reject(error);
    return call !== undefined;
  }

  /** Rejects every pending call at once, each with its own error. */
  rejectAll(makeError: (method: string) => Error): void {
    for (const id of [...this.#calls.keys()]) {
      const method = this.#calls.get(id)?.method ?? "?";
      this.reject(id, makeError(method));
    }
  }

  #take(id: number): Pending | undefined {
    const call = this.#calls.get(id);
    if (!call) return undefined;
    this.#calls.delete(id);
    call.cleanup();
    return call;
  }
}
