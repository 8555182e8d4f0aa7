// out[d] = mean of h[indices[e]] over e in [indptr[d], indptr[d + 1]), 0 with no
// neighbours. With concat = 1 the output rows are [h[self_begin + d] | mean]
// (2 * dim wide), the input of a SAGE layer's one product with [W_self; W_neigh].
fn main_body(i: u32) {
  let d = i / u.dim;
  let c = i % u.dim;
  let b = indptr[d];
  let e = indptr[d + 1u];
  var acc = 0.0;
  for (var j = b; j < e; j++) {
    acc += h[u32(indices[j]) * u.dim + c];
  }
  if (e > b) {
    acc = acc / f32(e - b);
  }
  if (u.concat == 1u) {
    out[d * 2u * u.dim + c] = h[(u.self_begin + d) * u.dim + c];
    out[d * 2u * u.dim + u.dim + c] = acc;
  } else {
    out[i] = acc;
  }
}
