// Inserts ids[i] with position base + i for i < count, where count is
// bound[bound_at] (or n when bound_at is 0xffffffff). A padding id (-1) is skipped.
fn main_body(i: u32) {
  var count = u.n;
  if (u.bound_at != 0xffffffffu) {
    count = min(count, u32(bound[u.bound_at]));
  }
  if (i >= count || ids[i] < 0) {
    return;
  }
  let key = u32(ids[i]) + 1u;
  var s = hash_slot(key);
  loop {
    let prev = atomicCompareExchangeWeak(&keys[s], 0u, key);
    if (prev.exchanged || prev.old_value == key) {
      atomicMax(&vals[s], ~(u.base + i));
      return;
    }
    if (prev.old_value != 0u) {
      s = (s + 1u) & u.mask;
    }
  }
}
