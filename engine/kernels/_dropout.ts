import { pcg } from "./_random.ts";

/**
 * Whether dropout keeps value `i` at rate `p`, where `base` is `pcg(seed)`:
 * the same test as `keep` in the WGSL.
 */
export function dropoutKeeps(base: number, i: number, p: number): boolean {
  const r = pcg((base + i) >>> 0);
  return (r >>> 8) / 16777216 >= Math.fround(p);
}

/** The scale of kept values, rounded as the WGSL computes it. */
export function dropoutScale(p: number): number {
  return Math.fround(1 / Math.fround(1 - Math.fround(p)));
}
