// In-place exclusive prefix sum of data[0..n), total written to data[n].
// One workgroup: each thread sums a contiguous chunk, the chunk sums are
// scanned in shared memory (Hillis-Steele), then each thread rewrites its chunk.
var<workgroup> sums: array<i32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) t: u32) {
  let n = u.n;
  let per = (n + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
  let b = min(t * per, n);
  let e = min(b + per, n);
  var s = 0;
  for (var k = b; k < e; k++) {
    s += data[k];
  }
  sums[t] = s;
  workgroupBarrier();
  for (var off = 1u; off < WORKGROUP_SIZE; off = off << 1u) {
    var add = 0;
    if (t >= off) {
      add = sums[t - off];
    }
    workgroupBarrier();
    sums[t] += add;
    workgroupBarrier();
  }
  var run = sums[t] - s;
  for (var k = b; k < e; k++) {
    let x = data[k];
    data[k] = run;
    run += x;
  }
  if (t == WORKGROUP_SIZE - 1u) {
    data[n] = sums[t];
  }
}
