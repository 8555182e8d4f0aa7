// For each sampled edge e < bound[bound_at]: local_ids[e] is the local id of
// ids[e] (its frontier position, or base + its rank among new nodes), and
// each new node is appended to nodes at base + rank.
fn main_body(e: u32) {
  let count = u32(bound[u.bound_at]);
  if (e >= count) {
    return;
  }
  let p = ~pos[u32(ids[e])];
  var local = p;
  if (p >= u.base) {
    local = u.base + u32(ranks[p - u.base]);
  }
  local_ids[e] = i32(local);
  if (p == u.base + e) {
    nodes[local] = ids[e];
  }
}
