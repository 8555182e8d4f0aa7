// Open-addressing hash table from node id to the smallest position it was
// inserted at: keys[s] holds id + 1 (0 = empty), vals[s] holds ~position, so
// atomicMax keeps the smallest position and zeroed memory is an empty table.
fn hash_slot(key: u32) -> u32 {
  return (key * 2654435761u) & u.mask;
}

fn hash_position(id: i32) -> u32 {
  let key = u32(id) + 1u;
  var s = hash_slot(key);
  loop {
    let k = atomicLoad(&keys[s]);
    if (k == key) {
      return ~atomicLoad(&vals[s]);
    }
    if (k == 0u) {
      return 0xffffffffu;
    }
    s = (s + 1u) & u.mask;
  }
  return 0xffffffffu;
}
