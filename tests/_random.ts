// Seeded random test inputs, shared by the tests of every folder.

/** A small deterministic generator (mulberry32) for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random floats in [-1, 1). */
export function randomFloats(
  n: number,
  seed: number,
): Float32Array<ArrayBuffer> {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}
