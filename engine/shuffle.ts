import { pcg } from "./kernels/_random.ts";

/**
 * A seeded Fisher-Yates shuffle of a copy of `ids`: the same seed always
 * gives the same order, so every trainer can agree on an epoch's batches.
 *
 * @example
 * ```ts
 * import { shuffled } from "./shuffle.ts";
 * console.log(shuffled(new Int32Array([1, 2, 3, 4]), 7).length); // 4
 * ```
 */
export function shuffled(ids: Int32Array, seed: number): Int32Array {
  const out = ids.slice();
  let state = pcg(seed >>> 0);
  for (let i = out.length - 1; i > 0; i--) {
    state = pcg(state + i);
    const j = state % (i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
