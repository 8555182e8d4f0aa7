// In place over y (rows x dim): y = dropout(act(y + bias[bias_off + c])), act =
// ReLU when relu = 1. Dropout keeps value i when its hash of (seed, i) is at
// least p and scales kept values by 1 / (1 - p); p = 0 turns it off.
fn keep(i: u32) -> bool {
  let r = pcg(pcg(u.seed) + i);
  return f32(r >> 8u) * (1.0 / 16777216.0) >= u.p;
}

fn main_body(i: u32) {
  let c = i % u.dim;
  var x = y[i] + bias[u.bias_off + c];
  if (u.relu == 1u) {
    x = max(x, 0.0);
  }
  if (u.p > 0.0) {
    if (keep(i)) {
      x = x * (1.0 / (1.0 - u.p));
    } else {
      x = 0.0;
    }
  }
  y[i] = x;
}
