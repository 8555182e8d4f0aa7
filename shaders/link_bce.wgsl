// Binary cross-entropy with logits on dot products of pairs of embedding
// rows, one workgroup. `link` packs, for P = u.num_pairs: the pairs' first
// rows [0, P), second rows [P, 2P) and 0/1 labels [2P, 3P). Each thread takes
// pairs t, t + WORKGROUP_SIZE, ...: score s = emb[a] . emb[b], loss
// softplus(s) - y s, and d(mean loss)/ds = (sigmoid(s) - y) / P into
// pair_grad; sums are reduced in shared memory into loss[0] (mean loss) and
// loss[1] (pairs whose sign of s is right: s > 0 for label 1, s <= 0 for 0).
var<workgroup> part_loss: array<f32, WORKGROUP_SIZE>;
var<workgroup> part_hits: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) t: u32) {
  let p_count = u.num_pairs;
  let inv = 1.0 / f32(max(p_count, 1u));
  var total = 0.0;
  var hits = 0.0;
  for (var p = t; p < p_count; p += WORKGROUP_SIZE) {
    let a = u32(link[p]) * u.dim;
    let b = u32(link[p_count + p]) * u.dim;
    let y = f32(link[2u * p_count + p]);
    var s = 0.0;
    for (var k = 0u; k < u.dim; k++) {
      s += emb[a + k] * emb[b + k];
    }
    let e = exp(-abs(s));
    total += max(s, 0.0) - y * s + log(1.0 + e);
    var sig = 1.0 / (1.0 + e);
    if (s < 0.0) {
      sig = e / (1.0 + e);
    }
    pair_grad[p] = (sig - y) * inv;
    if ((s > 0.0) == (y > 0.5)) {
      hits += 1.0;
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
    loss[0] = part_loss[0] * inv;
    loss[1] = part_hits[0];
  }
}
