// flags[e] = 1 where ids[e] (e < bound[bound_at]) was first recorded at
// position base + e in the node map, else 0: the new nodes, ahead of a scan
// that numbers them.
fn main_body(e: u32) {
  let count = u32(bound[u.bound_at]);
  var f = 0;
  if (e < count && ~pos[u32(ids[e])] == u.base + e) {
    f = 1;
  }
  flags[e] = f;
}
