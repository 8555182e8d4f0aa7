// C = op(A) op(B) (+ C when accumulate), row-major, every operand at an element
// offset. op(A) is m x k: A[a_off + r * lda + k] or, transposed, A[a_off + k * lda + r];
// likewise op(B) is k x n. One invocation computes a 4x4 tile of C in
// registers: per k it loads a 4-vector of op(A)'s column and of op(B)'s row and
// does 16 multiply-adds. Edge tiles clamp their loads and skip their stores.
fn main_body(i: u32) {
  let tiles_n = (u.n + 3u) / 4u;
  let row0 = (i / tiles_n) * 4u;
  let col0 = (i % tiles_n) * 4u;
  var a_rs = u.lda;
  var a_cs = 1u;
  if (u.trans_a == 1u) {
    a_rs = 1u;
    a_cs = u.lda;
  }
  var b_rs = u.ldb;
  var b_cs = 1u;
  if (u.trans_b == 1u) {
    b_rs = 1u;
    b_cs = u.ldb;
  }
  let a0 = u.a_off + min(row0, u.m - 1u) * a_rs;
  let a1 = u.a_off + min(row0 + 1u, u.m - 1u) * a_rs;
  let a2 = u.a_off + min(row0 + 2u, u.m - 1u) * a_rs;
  let a3 = u.a_off + min(row0 + 3u, u.m - 1u) * a_rs;
  let b0 = u.b_off + min(col0, u.n - 1u) * b_cs;
  let b1 = u.b_off + min(col0 + 1u, u.n - 1u) * b_cs;
  let b2 = u.b_off + min(col0 + 2u, u.n - 1u) * b_cs;
  let b3 = u.b_off + min(col0 + 3u, u.n - 1u) * b_cs;
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < u.k; kk++) {
    let ak = kk * a_cs;
    let bk = kk * b_rs;
    let b = vec4<f32>(B[b0 + bk], B[b1 + bk], B[b2 + bk], B[b3 + bk]);
    c0 += A[a0 + ak] * b;
    c1 += A[a1 + ak] * b;
    c2 += A[a2 + ak] * b;
    c3 += A[a3 + ak] * b;
  }
  store_row(row0, col0, c0);
  store_row(row0 + 1u, col0, c1);
  store_row(row0 + 2u, col0, c2);
  store_row(row0 + 3u, col0, c3);
}

fn store_row(r: u32, col0: u32, v: vec4<f32>) {
  if (r >= u.m) { return; }
  let base = u.c_off + r * u.ldc;
  for (var j = 0u; j < 4u; j++) {
    let c = col0 + j;
    if (c < u.n) {
      var x = v[j];
      if (u.accumulate == 1u) {
        x += C[base + c];
      }
      C[base + c] = x;
    }
  }
}
