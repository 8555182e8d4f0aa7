// Plain single-thread TypeScript, written the way a person would write it
// without an engine: the baselines the kernels are compared against.

/**
 * Uniform sampling without replacement: for each seed, a partial
 * Fisher-Yates shuffle of a copy of its neighbour list, taking the first
 * `min(fanout, degree)`. Writes CSR offsets and neighbour ids; returns the
 * number of sampled edges.
 */
export function plainSample(
  indptr: Int32Array,
  indices: Int32Array,
  seeds: Int32Array,
  fanout: number,
  offsets: Int32Array,
  out: Int32Array,
): number {
  let n = 0;
  for (let i = 0; i < seeds.length; i++) {
    const v = seeds[i]!;
    offsets[i] = n;
    const neighbours = indices.slice(indptr[v]!, indptr[v + 1]!);
    const k = Math.min(fanout, neighbours.length);
    for (let j = 0; j < k; j++) {
      const r = j + Math.floor(Math.random() * (neighbours.length - j));
      const t = neighbours[r]!;
      neighbours[r] = neighbours[j]!;
      neighbours[j] = t;
      out[n++] = t;
    }
  }
  offsets[seeds.length] = n;
  return n;
}

/** Row gather, value by value: `out[r] = table[ids[r]]` for rows of `dim` floats. */
export function plainGather(
  table: Float32Array,
  dim: number,
  ids: Int32Array,
  out: Float32Array,
): void {
  for (let r = 0; r < ids.length; r++) {
    const src = ids[r]! * dim;
    const dst = r * dim;
    for (let k = 0; k < dim; k++) out[dst + k] = table[src + k]!;
  }
}

/** `count` integers drawn uniformly from `[0, bound)` by a seeded generator (mulberry32). */
export function randomIds(count: number, bound: number, seed: number): Int32Array {
  const ids = new Int32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    ids[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
  }
  return ids;
}
