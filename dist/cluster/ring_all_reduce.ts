import type { RingMailbox } from "./ring_mailbox.ts";
import type { RpcClient } from "../rpc/rpc_client.ts";
import { callChecked } from "../rpc/call_checked.ts";
import { pushResponse, RING_PUSH } from "./methods.ts";

/**
 * Options of {@link RingAllReduce}.
 *
 * @example
 * ```ts
 * import { RingAllReduce, type RingAllReduceOptions } from "./ring_all_reduce.ts";
 * import { RingMailbox } from "./ring_mailbox.ts";
 * const alone: RingAllReduceOptions = { index: 0, size: 1, right: null, mailbox: new RingMailbox("none") };
 * console.assert(new RingAllReduce(alone).size === 1);
 * ```
 */
export interface RingAllReduceOptions {
  /** This participant's position in the ring, 0..size-1. */
  readonly index: number;
  /** Number of participants. */
  readonly size: number;
  /** Connection to the right neighbour, `(index + 1) % size`; null when size is 1. */
  readonly right: RpcClient | null;
  /** Where the left neighbour's pieces arrive. */
  readonly mailbox: RingMailbox;
  /** Largest piece sent in one message, in floats; default 1 Mi (4 MiB). */
  readonly chunkFloats?: number;
  /** Per-piece timeout for sends and receives; default 60 s. */
  readonly timeoutMs?: number;
}

/** Bounds of segment `k` when `length` floats are split over `size` ranks. */
function segment(length: number, size: number, k: number): [number, number] {
  const s = ((k % size) + size) % size;
  return [Math.floor((s * length) / size), Math.floor(((s + 1) * length) / size)];
}

/**
 * Ring all-reduce of a float32 vector over direct peer connections:
 * reduce-scatter then all-gather, each of `size - 1` steps, segments sent in
 * pieces of at most `chunkFloats`. Every participant must call `allReduce`
 * with vectors of the same length, in the same order. Each segment is summed
 * in one fixed order (around the ring from its owner), so every rank ends
 * with bit-identical values and repeated runs give identical results.
 *
 * @example
 * ```ts
 * import { RingAllReduce } from "./ring_all_reduce.ts";
 * import { RingMailbox } from "./ring_mailbox.ts";
 * const solo = new RingAllReduce({ index: 0, size: 1, right: null, mailbox: new RingMailbox("none") });
 * const grads = new Float32Array([2, 4]);
 * await solo.allReduce(grads, "avg");
 * console.assert(grads[1] === 4);
 * ```
 */
export class RingAllReduce {
  /** This participant's position in the ring, `0 .. size - 1`. */
  readonly index: number;
  /** Number of participants in the ring. */
  readonly size: number;
  readonly #right: RpcClient | null;
  readonly #mailbox: RingMailbox;
  readonly #chunk: number;
  readonly #timeoutMs: number;
  #op = 0;

  /**
   * Checks `index` and `size` (a `RangeError` names the bad one); nothing is sent until
   * `allReduce`.
   */
  constructor(options: RingAllReduceOptions) {
    const { index, size } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be >= 1, got ${size}`);
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`index must be in 0..${size - 1}, got ${index}`);
    }
    if (size > 1 && options.right === null) throw new TypeError("a ring of 2+ needs a right peer");
    this.#chunk = options.chunkFloats ?? 1 << 20;
    if (!Number.isInteger(this.#chunk) || this.#chunk < 1) {
      throw new RangeError(`chunkFloats must be >= 1, got ${this.#chunk}`);
    }
    this.index = index;
    this.size = size;
    this.#right = options.right;
    this.#mailbox = options.mailbox;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Replaces `vector` on every participant by the element-wise sum (`sum`)
   * or mean (`avg`) of all participants' vectors.
   */
  async allReduce(vector: Float32Array, op: "sum" | "avg"): Promise<void> {
    if (!(vector instanceof Float32Array)) throw new TypeError("allReduce needs a Float32Array");
    if (op !== "sum" && op !== "avg") throw new TypeError(`op must be "sum" or "avg", got ${op}`);
    const n = this.size;
    const r = this.index;
    const id = this.#op++;
    if (n === 1) return;
    for (let s = 0; s < n - 1; s++) {
      await this.#step(vector, id, s, r - s, r - s - 1, true);
    }
    if (op === "avg") {
      const [a, b] = segment(vector.length, n, r + 1);
      for (let i = a; i < b; i++) vector[i] = vector[i]! / n;
    }
    for (let s = 0; s < n - 1; s++) {
      await this.#step(vector, id, n - 1 + s, r + 1 - s, r - s, false);
    }
  }

  async #step(
    vector: Float32Array,
    op: number,
    step: number,
    sendSegment: number,
    receiveSegment: number,
    add: boolean,
  ): Promise<void> {
    const right = this.#right!;
    const [sa, sb] = segment(vector.length, this.size, sendSegment);
    const sends: Promise<unknown>[] = [];
    for (let piece = 0, at = sa; at < sb; piece++, at += this.#chunk) {
      const data = vector.subarray(at, Math.min(at + this.#chunk, sb));
      const payload = { op, step, piece, from: this.index, data };
      sends.push(
        callChecked(right, RING_PUSH, payload, pushResponse, { timeoutMs: this.#timeoutMs }),
      );
    }
    // Fail fast if a send fails while we wait for the left neighbour.
    const sent = Promise.all(sends);
    sent.catch((error) => this.#mailbox.fail(error));
    const [ra, rb] = segment(vector.length, this.size, receiveSegment);
    for (let piece = 0, at = ra; at < rb; piece++, at += this.#chunk) {
      const data = await this.#mailbox.take(op, step, piece, this.#timeoutMs);
      const end = Math.min(at + this.#chunk, rb);
      if (data.length !== end - at) {
        throw new RangeError(
          `ring piece ${op}:${step}:${piece} has ${data.length} floats, expected ${end - at}`,
        );
      }
      if (add) {
        for (let i = 0; i < data.length; i++) vector[at + i] = vector[at + i]! + data[i]!;
      } else vector.set(data, at);
    }
    await sent;
  }
}
