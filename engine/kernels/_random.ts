/** PCG hash, bit-identical to `pcg` in shaders/_random.wgsl. */
export function pcg(v: number): number {
  // Math.imul truncates v to 32 bits itself: no bitwise operator on a v above
  // 2^31 (a double in V8), which would send optimised callers into a deoptimisation loop.
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** `-log2(r / 2^32)` in 16.16 fixed point, bit-identical to `neg_log2_fixed` in shaders/_random.wgsl. */
export function negLog2Fixed(r: number): number {
  // r | 1 without a bitwise operator on r: r above 2^31 is a double in V8, and
  // a bitwise operation on it sends optimised code into a deoptimisation loop.
  const x = r % 2 === 0 ? r + 1 : r;
  const n = 31 - clz(x);
  let m = n > 15 ? Math.floor(x / 2 ** (n - 15)) : x << (15 - n);
  let f = 0;
  for (let b = 0; b < 16; b++) {
    // m < 2^16, so the product fits 32 bits: imul's low word is all of it (and stays integer).
    m = Math.imul(m, m) >>> 15;
    const carry = m >>> 16;
    m >>>= carry;
    f = (f << 1) | carry;
  }
  return (32 << 16) - ((n << 16) + f);
}

/**
 * `Math.clz32(x)` for a uint32 `x`, without passing it a double: V8's optimised
 * code for `Math.clz32` and bitwise operators deoptimises on values above 2^31
 * (doubles there), and does so again on every call.
 */
export function clz(x: number): number {
  return x >= 2147483648 ? 0 : Math.clz32(x);
}

/**
 * `negLog2Fixed`'s 16 fraction bits by its normalised mantissa `m`
 * (`2^15 <= m < 2^16`, the leading 16 bits of `r | 1`): `LOG2_FRACTIONS[m - 2^15]`,
 * built once by the same repeated squaring, so a lookup gives the same bits.
 */
export const LOG2_FRACTIONS: Uint16Array = (() => {
  const table = new Uint16Array(1 << 15);
  for (let i = 0; i < table.length; i++) {
    let m = i + (1 << 15);
    let f = 0;
    for (let b = 0; b < 16; b++) {
      m = Math.imul(m, m) >>> 15;
      const carry = m >>> 16;
      m >>>= carry;
      f = (f << 1) | carry;
    }
    table[i] = f;
  }
  return table;
})();

/**
 * `pcg(v)` as int32 bits (`pcg(v) | 0`) for a `v` given as int32 or uint32:
 * integer operations only, so hot loops keep every value a small integer in V8.
 */
export function pcgBits(v: number): number {
  const state = (Math.imul(v, 747796405) - 1403630843) | 0;
  const word = Math.imul((state >>> ((state >>> 28) + 4)) ^ state, 277803737);
  return (word >>> 22) ^ word;
}

/**
 * `negLog2Fixed(r)` for `r` given as int32 bits (`pcgBits`), by one lookup in
 * {@linkcode LOG2_FRACTIONS} instead of 16 squarings: the same value.
 */
export function negLog2FixedBits(r: number): number {
  const x = r | 1;
  const c = Math.clz32(x);
  const m = c < 16 ? x >>> (16 - c) : x << (c - 16);
  return ((c + 1) << 16) - LOG2_FRACTIONS[m - 32768]!;
}
