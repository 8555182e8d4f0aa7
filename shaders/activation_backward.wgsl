// Backward of bias_activation for column c of one chunk of CHUNK_ROWS rows:
// grad becomes the gradient before dropout and ReLU (in place), and
// partial[chunk * dim + c] the chunk's column sum (column_sum adds the chunks
// up into the bias gradient). With ReLU the mask comes from the output y
// alone: y > 0 exactly where dropout kept the value and the pre-activation
// was positive. Without ReLU the dropout mask is redrawn from the hash.
fn keep(i: u32) -> bool {
  let r = pcg(pcg(u.seed) + (i >> 1u));
  let half = select(r >> 16u, r & 0xffffu, (i & 1u) == 1u);
  return f32(half) * (1.0 / 65536.0) >= u.p;
}

fn main_body(i: u32) {
  let chunk = i / u.dim;
  let c = i % u.dim;
  let scale = 1.0 / (1.0 - u.p);
  let r1 = min(u.rows, (chunk + 1u) * CHUNK_ROWS);
  var sum = 0.0;
  for (var r = chunk * CHUNK_ROWS; r < r1; r++) {
    let k = r * u.dim + c;
    var g = grad[k];
    if (u.relu == 1u) {
      g = select(0.0, g * scale, y[k] > 0.0);
    } else if (u.p > 0.0) {
      g = select(0.0, g * scale, keep(k));
    }
    grad[k] = g;
    sum += g;
  }
  partial[i] = sum;
}
