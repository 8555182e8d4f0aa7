// Private helpers shared by the files of partition/: a seeded PRNG, a
// progress reporter and a few typed-array utilities. Not part of the public API.

// @ts-types="npm:@types/cli-progress@3.11.6"
import cliProgress from "npm:cli-progress@3.12.0";

/**
 * Small fast seeded PRNG (sfc32, 128-bit state). Deterministic for a seed;
 * `next()` returns a float in [0, 1), `u32()` a uint32, `int(n)` 0..n-1.
 */
export class Sfc32 {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number, stream = 0) {
    this.#a = 0x9e3779b9 ^ (seed | 0);
    this.#b = 0x243f6a88 ^ Math.imul(stream | 0, 0x85ebca6b);
    this.#c = 0xb7e15162 ^ Math.floor(seed / 0x100000000);
    this.#d = 1;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n) for n up to 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal deviate (Box-Muller, one value per call). */
  gauss(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/**
 * Progress callback: a phase name, the units done and the units in total.
 *
 * @example
 * ```ts
 * import type { ProgressFn } from "./_util.ts";
 * const log: string[] = [];
 * const onProgress: ProgressFn = (phase, done, total) => void log.push(`${phase} ${done}/${total}`);
 * onProgress("read edges", 5, 10);
 * console.assert(log[0] === "read edges 5/10");
 * ```
 */
export type ProgressFn = (phase: string, done: number, total: number) => void;

/**
 * Options common to the long-running functions of partition/.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import type { ProgressOptions } from "./_util.ts";
 * const phases = new Set<string>();
 * const watch: ProgressOptions = { onProgress: (phase) => void phases.add(phase) };
 * generateSynthetic({ scale: 0.0001, ...watch });
 * ```
 */
export interface ProgressOptions {
  /** Silence the default progress bar. */
  readonly quiet?: boolean;
  /** Receive progress instead of the default bar (implies no bar). */
  readonly onProgress?: ProgressFn;
}

/**
 * A phase-aware progress reporter. With `onProgress` it forwards calls;
 * otherwise it draws a cli-progress bar on stderr when stderr is a terminal
 * and `quiet` is not set. Calls are throttled to whole percent steps.
 *
 * @example
 * ```ts
 * import { Progress } from "./_util.ts";
 * const seen: number[] = [];
 * const progress = new Progress({ onProgress: (_phase, done) => void seen.push(done) });
 * progress.start("count", 200);
 * for (let i = 1; i <= 200; i++) progress.tick(i); // reported once per whole percent
 * progress.done();
 * console.assert(seen.length < 200 && seen.at(-1) === 200);
 * ```
 */
export class Progress {
  readonly #onProgress: ProgressFn | undefined;
  readonly #bar: cliProgress.SingleBar | undefined;
  #phase = "";
  #total = 0;
  #nextReport = 0;

  /**
   * Forwards to `options.onProgress` when given; otherwise draws a bar on a terminal's stderr
   * unless `options.quiet`.
   */
  constructor(options: ProgressOptions = {}) {
    this.#onProgress = options.onProgress;
    const tty = Deno.stderr.isTerminal();
    if (!this.#onProgress && !options.quiet && tty) {
      this.#bar = new cliProgress.SingleBar({
        format: "{phase} [{bar}] {percentage}% | {value}/{total} | {duration}s",
        hideCursor: false,
        clearOnComplete: true,
      }, cliProgress.Presets.shades_classic);
    }
  }

  /** Starts a phase of `total` units. */
  start(phase: string, total: number): void {
    this.#stopBar();
    this.#phase = phase;
    this.#total = Math.max(total, 1);
    this.#nextReport = 0;
    this.#bar?.start(this.#total, 0, { phase });
    this.#onProgress?.(phase, 0, total);
  }

  /** Reports `done` units of the current phase (cheap when not due). */
  tick(done: number): void {
    if (done < this.#nextReport) return;
    this.#nextReport = done + Math.ceil(this.#total / 100);
    this.#bar?.update(Math.min(done, this.#total), { phase: this.#phase });
    this.#onProgress?.(this.#phase, Math.min(done, this.#total), this.#total);
  }

  /** Ends the current phase. */
  done(): void {
    this.#bar?.update(this.#total, { phase: this.#phase });
    this.#onProgress?.(this.#phase, this.#total, this.#total);
    this.#stopBar();
  }

  #stopBar(): void {
    if (this.#bar && this.#phase) this.#bar.stop();
  }
}

/** Sorts each row of a CSR in place (ascending) and returns nothing. */
export function sortRows(indptr: Int32Array, indices: Int32Array): void {
  const n = indptr.length - 1;
  for (let v = 0; v < n; v++) {
    const a = indptr[v]!;
    const b = indptr[v + 1]!;
    if (b - a > 1) indices.subarray(a, b).sort();
  }
}

/**
 * Builds a Vose alias table over `weights[from..to)` and writes it into
 * `prob[from..to)` and `alias[from..to)` (alias entries are offsets from
 * `from`). Sampling: `i = from + int(n)`; take `i` if `next() < prob[i]`,
 * else `from + alias[i]`. `work` must hold at least `to - from` ints.
 */
export function buildAlias(
  weights: Float64Array,
  from: number,
  to: number,
  prob: Float64Array,
  alias: Int32Array,
  work: Int32Array,
): void {
  const n = to - from;
  if (n <= 0) return;
  let sum = 0;
  for (let i = from; i < to; i++) sum += weights[i]!;
  if (!(sum > 0)) {
    for (let i = from; i < to; i++) {
      prob[i] = 1;
      alias[i] = i - from;
    }
    return;
  }
  // small stack grows from the front of work, large from the back
  let small = 0;
  let large = n;
  for (let i = 0; i < n; i++) {
    const p = (weights[from + i]! * n) / sum;
    prob[from + i] = p;
    if (p < 1) work[small++] = i;
    else work[--large] = i;
  }
  while (small > 0 && large < n) {
    const s = work[--small]!;
    const l = work[large]!;
    alias[from + s] = l;
    const pl = prob[from + l]! + prob[from + s]! - 1;
    prob[from + l] = pl;
    if (pl < 1) {
      large++;
      work[small++] = l;
    }
  }
  while (large < n) {
    const l = work[large++]!;
    prob[from + l] = 1;
    alias[from + l] = l;
  }
  while (small > 0) {
    const s = work[--small]!;
    prob[from + s] = 1;
    alias[from + s] = s;
  }
}

/**
 * The row offsets of the undirected CSR over interleaved (src, dst) `pairs`
 * of `n` nodes: each pair counted in both rows, self-loops left out.
 */
export function undirectedOffsets(n: number, pairs: Int32Array): Int32Array {
  const m = pairs.length >>> 1;
  const indptr = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const s = pairs[2 * e]!;
    const d = pairs[2 * e + 1]!;
    if (s === d) continue;
    indptr[s + 1]!++;
    indptr[d + 1]!++;
  }
  for (let v = 0; v < n; v++) indptr[v + 1]! += indptr[v]!;
  return indptr;
}
