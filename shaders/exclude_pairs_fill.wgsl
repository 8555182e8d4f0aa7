// Copies, per destination row d of a block, the edges kept once the excluded
// pairs are taken out to out_indices[out_indptr[d] ..), in their order. The
// same test as in exclude_pairs_count.wgsl.
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
  var at = out_indptr[d];
  for (var e = indptr[d]; e < indptr[d + 1u]; e++) {
    let s = indices[e];
    if (!excluded(d, s)) {
      out_indices[at] = s;
      at += 1;
    }
  }
}
