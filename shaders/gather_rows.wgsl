// out[r * dim + c] = table[(ids[r] - row_begin) * dim + c] for the rows whose
// id falls in this table chunk's [row_begin, row_end); other rows untouched.
fn main_body(i: u32) {
  let r = i / u.dim;
  let c = i % u.dim;
  let id = ids[r];
  if (id < u.row_begin || id >= u.row_end) { return; }
  out[i] = table[u32(id - u.row_begin) * u.dim + c];
}
