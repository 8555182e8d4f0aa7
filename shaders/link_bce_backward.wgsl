// The gradient of link_bce's loss into the embedding rows, gathered per row
// (no float atomics): one invocation per output value (r, k) sums
// pair_grad[p] * emb[other end of p][k] over the pairs p listed for row r.
// `link` holds, after the pairs' rows and labels (3P values), the row
// offsets [3P, 3P + rows + 1) into the pair list that follows them.
fn main_body(i: u32) {
  let r = i / u.dim;
  let k = i % u.dim;
  let p_count = u.num_pairs;
  let ptr_at = 3u * p_count;
  let list_at = ptr_at + u.rows + 1u;
  var g = 0.0;
  for (var e = link[ptr_at + r]; e < link[ptr_at + r + 1u]; e++) {
    let p = u32(link[list_at + u32(e)]);
    var other = link[p];
    if (u32(other) == r) {
      other = link[p_count + p];
    }
    g += pair_grad[p] * emb[u32(other) * u.dim + k];
  }
  grad[i] = g;
}
