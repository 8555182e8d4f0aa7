// Backward of bias_activation for one column c: over every row, grad becomes
// the gradient before dropout and ReLU (in place), and db[db_off + c] the
// column's sum, the bias gradient. ReLU's test reads the layer's output y:
// where dropout kept a value, y > 0 exactly when the pre-activation was > 0.
fn keep(i: u32) -> bool {
  let r = pcg(pcg(u.seed) + i);
  return f32(r >> 8u) * (1.0 / 16777216.0) >= u.p;
}

fn main_body(c: u32) {
  let scale = 1.0 / (1.0 - u.p);
  var sum = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    let i = r * u.dim + c;
    var g = grad[i];
    if (u.p > 0.0) {
      if (keep(i)) {
        g = g * scale;
      } else {
        g = 0.0;
      }
    }
    if (u.relu == 1u && y[i] <= 0.0) {
      g = 0.0;
    }
    grad[i] = g;
    sum += g;
  }
  db[u.db_off + c] = sum;
}
