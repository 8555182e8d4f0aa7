// flags[e] = 1 where ids[e] (e < bound[bound_at]) was first inserted at
// position base + e, else 0: the new nodes, ahead of a scan that numbers them.
fn main_body(e: u32) {
  let count = u32(bound[u.bound_at]);
  var f = 0;
  if (e < count && hash_position(ids[e]) == u.base + e) {
    f = 1;
  }
  flags[e] = f;
}
