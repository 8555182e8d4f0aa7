import { registerHeartbeat } from "../rpc/heartbeat.ts";
import { pushRequest, RING_HEARTBEAT, RING_PUSH } from "./methods.ts";
import type { MethodTable } from "../rpc/method_table.ts";
import { RpcTimeoutError } from "../rpc/rpc_timeout_error.ts";
import { timerDelay } from "../rpc/timer_delay.ts";

interface Waiter {
  readonly resolve: (data: Float32Array) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Where ring all-reduce pieces from the left neighbour land: the ring's push
 * method stores each piece under (operation, step, piece) until the reducing
 * loop takes it, so a neighbour running ahead never loses data.
 *
 * @example
 * ```ts
 * import { MethodTable } from "../rpc/method_table.ts";
 * import { RingMailbox } from "./ring_mailbox.ts";
 * const methods = new MethodTable();
 * const mailbox = new RingMailbox("rank 3");
 * mailbox.register(methods);
 * console.assert(methods.names().length === 2);
 * ```
 */
export class RingMailbox {
  #left: string;
  readonly #arrived = new Map<string, Float32Array>();
  readonly #waiters = new Map<string, Waiter>();
  #failure: Error | null = null;

  /** `left` names the neighbour that sends here, for error messages. */
  constructor(left: string) {
    this.#left = left;
  }

  /**
   * Names the left neighbour better once it is known (its rank and address),
   * for the errors of later `take`s.
   */
  set left(name: string) {
    this.#left = name;
  }

  /** Registers the ring's push and heartbeat methods on `methods`. */
  register(methods: MethodTable): void {
    registerHeartbeat(methods, RING_HEARTBEAT).register(
      RING_PUSH,
      pushRequest,
      ({ op, step, piece, data }) => {
        this.#put(`${op}:${step}:${piece}`, data);
        return null;
      },
    );
  }

  /** Pieces received but not yet taken. */
  get size(): number {
    return this.#arrived.size;
  }

  /**
   * The piece (op, step, piece), waiting up to `timeoutMs` for it; rejects
   * with `RpcTimeoutError` naming the left neighbour.
   */
  take(op: number, step: number, piece: number, timeoutMs: number): Promise<Float32Array> {
    if (this.#failure) return Promise.reject(this.#failure);
    const key = `${op}:${step}:${piece}`;
    const ready = this.#arrived.get(key);
    if (ready) {
      this.#arrived.delete(key);
      return Promise.resolve(ready);
    }
    const { promise, resolve, reject } = Promise.withResolvers<Float32Array>();
    const timer = setTimeout(() => {
      this.#waiters.delete(key);
      reject(new RpcTimeoutError(RING_PUSH, this.#left, timeoutMs));
    }, timerDelay(timeoutMs));
    this.#waiters.set(key, { resolve, reject, timer });
    return promise;
  }

  /** Fails every current and future `take` with `error` (e.g. the ring broke). */
  fail(error: Error): void {
    this.#failure = error;
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
    this.#arrived.clear();
  }

  #put(key: string, data: Float32Array): void {
    const waiter = this.#waiters.get(key);
    if (waiter) {
      this.#waiters.delete(key);
      clearTimeout(waiter.timer);
      waiter.resolve(data);
    } else if (this.#arrived.has(key)) {
      throw new RangeError(`duplicate ring piece ${key}`);
    } else {
      this.#arrived.set(key, data);
    }
  }
}
