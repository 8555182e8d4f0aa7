// For seed i, writes min(fanout, degree) distinct neighbours, chosen
// uniformly without replacement (Floyd's algorithm over adjacency positions),
// to out[offsets[i] .. offsets[i + 1]); all neighbours when degree <= fanout.
// Neighbour ids are read from up to four chunks of the CSR indices.
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

fn main_body(i: u32) {
  let o = u32(offsets[i]);
  let k = u32(offsets[i + 1u]) - o;
  if (k == 0u) {
    return;
  }
  let v = seeds[i];
  let start = u32(indptr[v]);
  let d = u32(indptr[v + 1]) - start;
  if (d <= k) {
    for (var j = 0u; j < d; j++) {
      out[o + j] = neighbour(start + j);
    }
    return;
  }
  let h = pcg(u.seed ^ pcg(u32(v)));
  var m = 0u;
  for (var j = d - k; j < d; j++) {
    var t = pcg(h + j) % (j + 1u);
    for (var q = 0u; q < m; q++) {
      if (u32(out[o + q]) == t) {
        t = j;
        break;
      }
    }
    out[o + m] = i32(t);
    m++;
  }
  for (var q = 0u; q < k; q++) {
    out[o + q] = neighbour(start + u32(out[o + q]));
  }
}
