// For seed i, writes k = offsets[i + 1] - offsets[i] neighbours drawn with
// probability proportional to edge weight, without replacement
// (Efraimidis-Spirakis: the k smallest keys -log2(u) * max / w, u from the
// hash the uniform sampler uses, ties to the earlier edge), to
// out[offsets[i] ..], ordered by key; every positive-weight neighbour when
// there are at most k; zero-weight edges (factor 0) never. keys[offsets[i] ..]
// is scratch for the kept keys. Ids and factors come in up to four chunks.
fn neighbour(e: u32) -> i32 {
  let c = e / u.chunk;
  let r = e % u.chunk;
  switch c {
    case 0u: { return idx0[r]; }
    case 1u: { return idx1[r]; }
    case 2u: { return idx2[r]; }
    default: { return idx3[r]; }
  }
}

fn factor(e: u32) -> f32 {
  let c = e / u.chunk;
  let r = e % u.chunk;
  switch c {
    case 0u: { return w0[r]; }
    case 1u: { return w1[r]; }
    case 2u: { return w2[r]; }
    default: { return w3[r]; }
  }
}

fn main_body(i: u32) {
  let o = u32(offsets[i]);
  let k = u32(offsets[i + 1u]) - o;
  if (k == 0u) {
    return;
  }
  let v = seeds[i];
  let start = u32(indptr[v]);
  let d = u32(indptr[v + 1]) - start;
  let p = u32(positive[v + 1] - positive[v]);
  if (p <= k) {
    var m = 0u;
    for (var j = 0u; j < d; j++) {
      if (factor(start + j) > 0.0) {
        out[o + m] = neighbour(start + j);
        m++;
      }
    }
    return;
  }
  let h = pcg(u.seed ^ pcg(u32(v)));
  var m = 0u;
  for (var j = 0u; j < d; j++) {
    let f = factor(start + j);
    if (f == 0.0) {
      continue;
    }
    let r = pcg(h + j) | 1u;
    // The leading bit of r bounds its logarithm from below: skip without the
    // full logarithm when even that bound cannot enter (exact: rounding is monotone).
    let n = 31u - countLeadingZeros(r);
    if (m == k && f32(((31u - n) << 16u) + 1u) * f >= keys[o + k - 1u]) {
      continue;
    }
    let key = f32(neg_log2_fixed(r)) * f;
    if (m == k && key >= keys[o + k - 1u]) {
      continue;
    }
    // Insertion into the kept keys, sorted ascending; the last one drops out when full.
    var q = min(m, k - 1u);
    if (m < k) {
      m++;
    }
    while (q > 0u && keys[o + q - 1u] > key) {
      keys[o + q] = keys[o + q - 1u];
      out[o + q] = out[o + q - 1u];
      q--;
    }
    keys[o + q] = key;
    out[o + q] = i32(j);
  }
  for (var q = 0u; q < k; q++) {
    out[o + q] = neighbour(start + u32(out[o + q]));
  }
}
