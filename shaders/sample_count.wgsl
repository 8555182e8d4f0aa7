// counts[i] = min(fanout, degree(seeds[i])); 0 for a padding seed (-1).
fn main_body(i: u32) {
  let v = seeds[i];
  var k = 0u;
  if (v >= 0) {
    k = min(u.fanout, u32(indptr[v + 1] - indptr[v]));
  }
  counts[i] = i32(k);
}
