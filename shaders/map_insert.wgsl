// Records position base + i of ids[i] for i < count, where count is
// bound[bound_at] (or n when bound_at is 0xffffffff), in a map indexed by node
// id: pos[id] holds ~position, so atomicMax keeps the smallest position and
// zeroed memory is an empty map. A padding id (-1) is skipped.
fn main_body(i: u32) {
  var count = u.n;
  if (u.bound_at != 0xffffffffu) {
    count = min(count, u32(bound[u.bound_at]));
  }
  if (i >= count || ids[i] < 0) {
    return;
  }
  atomicMax(&pos[u32(ids[i])], ~(u.base + i));
}
