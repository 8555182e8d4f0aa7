// counts[s] += 1 for every edge whose source is s.
fn main_body(i: u32) {
  atomicAdd(&counts[indices[i]], 1);
}
