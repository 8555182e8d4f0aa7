// PCG hash (O'Neill, as in Jarzynski & Olano 2020): a stateless u32 -> u32
// mixer; the CPU kernels use the same function, so both draw the same numbers.
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
