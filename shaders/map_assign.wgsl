// For i < count (n, or bound[bound_at] when smaller and bound_at is not
// 0xffffffff): the node map entry of nodes[first + i] becomes its local id
// first + i (as ~id), or with clear = 1 empty again (0). Padding ids (-1) are
// skipped.
fn main_body(i: u32) {
  var count = u.n;
  if (u.bound_at != 0xffffffffu) {
    count = min(count, u32(bound[u.bound_at]));
  }
  if (i >= count) {
    return;
  }
  let id = nodes[u.first + i];
  if (id < 0) {
    return;
  }
  var v = 0u;
  if (u.clear == 0u) {
    v = ~(u.first + i);
  }
  pos[u32(id)] = v;
}
