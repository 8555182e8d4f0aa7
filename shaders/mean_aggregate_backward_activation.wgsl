// mean_aggregate_backward fused with the previous layer's activation
// backward, for column c of one chunk of CHUNK_ROWS source rows: each row's
// gradient is gathered over the transposed CSR (plus grad_self for s < num_dst
// when concat = 1), passed back through dropout and ReLU (mask y > 0 under
// ReLU, the dropout hash otherwise) and written to dh; partial[chunk * dim + c]
// gets the chunk's column sum (column_sum turns the chunks into the bias
// gradient).
fn keep(i: u32) -> bool {
  let r = pcg(pcg(u.seed) + (i >> 1u));
  let half = select(r >> 16u, r & 0xffffu, (i & 1u) == 1u);
  return f32(half) * (1.0 / 65536.0) >= u.p;
}

fn main_body(i: u32) {
  let chunk = i / u.dim;
  let c = i % u.dim;
  var stride = u.dim;
  var mean_col = 0u;
  if (u.concat == 1u) {
    stride = 2u * u.dim;
    mean_col = u.dim;
  }
  let scale = 1.0 / (1.0 - u.p);
  let r1 = min(u.num_src, (chunk + 1u) * CHUNK_ROWS);
  var sum = 0.0;
  for (var s = chunk * CHUNK_ROWS; s < r1; s++) {
    var acc = 0.0;
    for (var j = t_indptr[s]; j < t_indptr[s + 1u]; j++) {
      let d = u32(t_dst[j]);
      let deg = f32(indptr[d + 1u] - indptr[d]);
      acc += grad[d * stride + mean_col + c] * (1.0 / deg);
    }
    if (u.concat == 1u && s < u.num_dst) {
      acc += grad[s * stride + c];
    }
    let k = s * u.dim + c;
    if (u.relu == 1u) {
      acc = select(0.0, acc * scale, y[k] > 0.0);
    } else if (u.p > 0.0) {
      acc = select(0.0, acc * scale, keep(k));
    }
    dh[k] = acc;
    sum += acc;
  }
  partial[i] = sum;
}
