// One hop's de-duplication in the node map in a single ordered pass (one
// invocation): for each sampled edge e < bound[bound_at], a node already in
// the map keeps its local id (~pos), a node not yet in it becomes local id
// base + (new nodes so far), is appended to nodes and recorded in the map.
// Padding ids (-1) get local id -1. The number of new nodes goes to
// counts[count_at]. The same numbering as map_insert, map_first, a scan,
// map_relabel and map_assign: new nodes in order of first appearance.
fn main_body(i: u32) {
  if (i != 0u) {
    return;
  }
  let count = u32(bound[u.bound_at]);
  var next = u.base;
  for (var e = 0u; e < count; e++) {
    let id = ids[e];
    if (id < 0) {
      local_ids[e] = -1;
      continue;
    }
    let p = pos[u32(id)];
    var local = ~p;
    if (p == 0u) {
      local = next;
      next += 1u;
      pos[u32(id)] = ~local;
      nodes[local] = id;
    }
    local_ids[e] = i32(local);
  }
  counts[u.count_at] = i32(next - u.base);
}
