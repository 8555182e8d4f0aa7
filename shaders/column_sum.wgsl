// out[out_off + c] = sum of column c of x (rows x dim, row-major), in row order.
fn main_body(c: u32) {
  var sum = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    sum += x[r * u.dim + c];
  }
  out[u.out_off + c] = sum;
}
