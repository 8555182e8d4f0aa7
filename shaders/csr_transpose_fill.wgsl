// For each edge d -> s of destination d, append d to source s's list at
// t_indptr[s] + (running cursor of s). The order within a list depends on
// scheduling on the GPU; it is ascending d on the CPU.
fn main_body(d: u32) {
  for (var j = indptr[d]; j < indptr[d + 1u]; j++) {
    let s = indices[j];
    let p = atomicAdd(&cursor[s], 1);
    t_dst[t_indptr[s] + p] = i32(d);
  }
}
