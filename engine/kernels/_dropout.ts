import { pcg } from "./_random.ts";

/**
 * Whether dropout keeps value `i` at rate `p`, where `base` is `pcg(seed)`:
 * the same test as `keep` in the WGSL. One hash serves two values: value
 * `2k` tests the high 16 bits of `pcg(base + k)`, value `2k + 1` the low 16.
 */
export function dropoutKeeps(base: number, i: number, p: number): boolean {
  const r = pcg((base + (i >>> 1)) >>> 0);
  const half = i & 1 ? r & 0xffff : r >>> 16;
  return half / 65536 >= Math.fround(p);
}

/** The scale of kept values, rounded as the WGSL computes it. */
export function dropoutScale(p: number): number {
  return Math.fround(1 / Math.fround(1 - Math.fround(p)));
}
