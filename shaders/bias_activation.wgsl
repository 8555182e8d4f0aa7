// In place over y (rows x dim): y = dropout(act(y + bias[bias_off + c])), act =
// ReLU when relu = 1. Dropout keeps value i when its hash of (seed, i) is at
// least p and scales kept values by 1 / (1 - p); p = 0 turns it off. One
// hash draws the masks of two values (i = 2k: its high 16 bits, i = 2k + 1:
// its low 16 bits).
fn keep(i: u32) -> bool {
  let r = pcg(pcg(u.seed) + (i >> 1u));
  let half = select(r >> 16u, r & 0xffffu, (i & 1u) == 1u);
  return f32(half) * (1.0 / 65536.0) >= u.p;
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
