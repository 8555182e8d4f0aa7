// Gradient of mean aggregation to the sources, race-free through the
// transposed CSR: dh[s] = sum over edges d -> s of grad_mean[d] / deg(d), plus
// grad_self[s] for s < num_dst when concat = 1 (grad rows are then
// [grad_self | grad_mean], 2 * dim wide).
fn main_body(i: u32) {
  let s = i / u.dim;
  let c = i % u.dim;
  var stride = u.dim;
  var mean_col = 0u;
  if (u.concat == 1u) {
    stride = 2u * u.dim;
    mean_col = u.dim;
  }
  var acc = 0.0;
  for (var j = t_indptr[s]; j < t_indptr[s + 1u]; j++) {
    let d = u32(t_dst[j]);
    let deg = f32(indptr[d + 1u] - indptr[d]);
    acc += grad[d * stride + mean_col + c] / deg;
  }
  if (u.concat == 1u && s < u.num_dst) {
    acc += grad[s * stride + c];
  }
  dh[i] = acc;
}
