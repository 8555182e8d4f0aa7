/** PCG hash, bit-identical to `pcg` in shaders/_random.wgsl. */
export function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** `-log2(r / 2^32)` in 16.16 fixed point, bit-identical to `neg_log2_fixed` in shaders/_random.wgsl. */
export function negLog2Fixed(r: number): number {
  const x = (r | 1) >>> 0;
  const n = 31 - Math.clz32(x);
  let m = n > 15 ? x >>> (n - 15) : x << (15 - n);
  let f = 0;
  for (let b = 0; b < 16; b++) {
    // m < 2^16, so the product is an exact integer below 2^32.
    m = (m * m) >>> 15;
    f <<= 1;
    if (m >= 65536) {
      m >>>= 1;
      f |= 1;
    }
  }
  return (32 << 16) - ((n << 16) + f);
}
