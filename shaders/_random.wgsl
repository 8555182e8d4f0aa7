// PCG hash (O'Neill, as in Jarzynski & Olano 2020): a stateless u32 -> u32
// mixer; the CPU kernels use the same function, so both draw the same numbers.
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// -log2(r / 2^32) in fixed point with 16 fractional bits, from integer
// operations only (so both backends compute the same bits): the exponent from
// the leading zeros, the mantissa's logarithm bit by bit by repeated squaring
// of its 16 leading bits. An exponential variate (up to the factor ln 2) for
// weighted sampling; never 0, at most 32 << 16.
fn neg_log2_fixed(r: u32) -> u32 {
  let x = r | 1u;
  let n = 31u - countLeadingZeros(x);
  var m = x << (15u - min(n, 15u));
  if (n > 15u) {
    m = x >> (n - 15u);
  }
  var f = 0u;
  for (var b = 0u; b < 16u; b++) {
    m = (m * m) >> 15u;
    f = f << 1u;
    if (m >= 65536u) {
      m = m >> 1u;
      f = f | 1u;
    }
  }
  return (32u << 16u) - ((n << 16u) + f);
}
