// Mean NLL of log_softmax(logits) over the first `batch` rows, one workgroup.
// Each thread takes rows t, t + WORKGROUP_SIZE, ...: it writes the gradient
// (softmax - onehot(label)) / batch (zeros for rows >= batch and for labels
// outside [0, classes)), and sums its rows' losses and correct argmaxes; the
// sums are reduced in shared memory into loss[0] (mean loss), loss[1] (correct).
var<workgroup> part_loss: array<f32, WORKGROUP_SIZE>;
var<workgroup> part_hits: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) t: u32) {
  var total = 0.0;
  var hits = 0.0;
  let inv_batch = 1.0 / f32(max(u.batch, 1u));
  for (var r = t; r < u.rows; r += WORKGROUP_SIZE) {
    let base = r * u.classes;
    let label = labels[min(r, u.batch - 1u)];
    let valid = r < u.batch && label >= 0 && u32(label) < u.classes;
    if (!valid) {
      for (var c = 0u; c < u.classes; c++) {
        grad[base + c] = 0.0;
      }
      continue;
    }
    var best = logits[base];
    var arg = 0u;
    for (var c = 1u; c < u.classes; c++) {
      let x = logits[base + c];
      if (x > best) {
        best = x;
        arg = c;
      }
    }
    var sum = 0.0;
    for (var c = 0u; c < u.classes; c++) {
      sum += exp(logits[base + c] - best);
    }
    let lse = best + log(sum);
    total += lse - logits[base + u32(label)];
    if (arg == u32(label)) {
      hits += 1.0;
    }
    for (var c = 0u; c < u.classes; c++) {
      var g = exp(logits[base + c] - lse);
      if (c == u32(label)) {
        g -= 1.0;
      }
      grad[base + c] = g * inv_batch;
    }
  }
  part_loss[t] = total;
  part_hits[t] = hits;
  workgroupBarrier();
  for (var half = WORKGROUP_SIZE / 2u; half > 0u; half = half / 2u) {
    if (t < half) {
      part_loss[t] += part_loss[t + half];
      part_hits[t] += part_hits[t + half];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    loss[0] = part_loss[0] * inv_batch;
    loss[1] = part_hits[0];
  }
}
