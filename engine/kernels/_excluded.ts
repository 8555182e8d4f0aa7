/**
 * Whether the edge `d <- s` of a block is one of the excluded pairs: both
 * ends below `numRows` and `s` in `d`'s sorted partner list
 * `excl[excl[d] .. excl[d + 1])` (the partners follow the `numRows + 1`
 * offsets). The test of `excluded()` in shaders/exclude_pairs_*.wgsl.
 */
export function excluded(
  excl: Int32Array | Uint32Array | Float32Array,
  numRows: number,
  d: number,
  s: number,
): boolean {
  if (d >= numRows || s < 0 || s >= numRows) return false;
  let lo = excl[d]!, hi = excl[d + 1]!;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    const v = excl[numRows + 1 + mid]!;
    if (v === s) return true;
    if (v < s) lo = mid + 1;
    else hi = mid;
  }
  return false;
}
