// Counts, per destination row d of a block, the edges kept once the excluded
// pairs are taken out: an edge d <- s is excluded when both ends are among the
// first u.num_rows local ids and s is in d's sorted partner list
// excl[excl[d] .. excl[d + 1]) (the partners follow the num_rows + 1 offsets).
// The same test as in exclude_pairs_fill.wgsl.
fn excluded(d: u32, s: i32) -> bool {
  if (d >= u.num_rows || s < 0 || u32(s) >= u.num_rows) {
    return false;
  }
  var lo = excl[d];
  var hi = excl[d + 1u];
  while (lo < hi) {
    let mid = lo + (hi - lo) / 2;
    let v = excl[u.num_rows + 1u + u32(mid)];
    if (v == s) {
      return true;
    }
    if (v < s) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

fn main_body(d: u32) {
  var kept = 0;
  for (var e = indptr[d]; e < indptr[d + 1u]; e++) {
    if (!excluded(d, indices[e])) {
      kept += 1;
    }
  }
  counts[d] = kept;
}
