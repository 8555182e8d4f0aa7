// Test helpers: random blocks uploaded by hand, and float64 references.
import type { Block } from "../../engine/block.ts";
import type { Device } from "../../engine/device.ts";
import { rng } from "../_random.ts";

/** A block's CSR on the host. */
export interface HostBlock {
  readonly numDst: number;
  readonly numSrc: number;
  readonly indptr: Int32Array<ArrayBuffer>;
  readonly indices: Int32Array<ArrayBuffer>;
}

/** A random block: each destination gets 0..maxDegree sources (repeats allowed). */
export function randomBlock(
  numDst: number,
  numSrc: number,
  maxDegree: number,
  seed: number,
): HostBlock {
  const r = rng(seed);
  const indptr = new Int32Array(numDst + 1);
  const list: number[] = [];
  for (let d = 0; d < numDst; d++) {
    const deg = Math.floor(r() * (maxDegree + 1));
    for (let j = 0; j < deg; j++) list.push(Math.floor(r() * numSrc));
    indptr[d + 1] = list.length;
  }
  return { numDst, numSrc, indptr, indices: Int32Array.from(list) };
}

/** Uploads a host block; `release` frees its buffers. */
export function uploadBlock(device: Device, b: HostBlock): Block & { release(): void } {
  const indptr = device.createBuffer(b.indptr.byteLength, "indptr");
  const indices = device.createBuffer(Math.max(4, b.indices.byteLength), "indices");
  device.write(indptr, b.indptr);
  if (b.indices.length > 0) device.write(indices, b.indices);
  return {
    numDst: b.numDst,
    numSrc: b.numSrc,
    numEdges: b.indices.length,
    indptr,
    indices,
    release: () => {
      device.release(indptr);
      device.release(indices);
    },
  };
}

/** float64 mean aggregation: `numDst x dim`. */
export function meanAggregate64(b: HostBlock, h: ArrayLike<number>, dim: number): Float64Array {
  const out = new Float64Array(b.numDst * dim);
  for (let d = 0; d < b.numDst; d++) {
    const lo = b.indptr[d]!, hi = b.indptr[d + 1]!;
    for (let j = lo; j < hi; j++) {
      const s = b.indices[j]!;
      for (let c = 0; c < dim; c++) out[d * dim + c]! += h[s * dim + c]!;
    }
    if (hi > lo) { for (let c = 0; c < dim; c++) out[d * dim + c]! /= hi - lo; }
  }
  return out;
}

/** Central finite differences of `f` at `x` in float64, for the entries `at`. */
export function finiteDifferences(
  f: (x: Float64Array) => number,
  x: Float64Array,
  at: readonly number[],
  eps = 1e-6,
): Float64Array {
  const g = new Float64Array(at.length);
  at.forEach((i, k) => {
    const keep = x[i]!;
    x[i] = keep + eps;
    const up = f(x);
    x[i] = keep - eps;
    const down = f(x);
    x[i] = keep;
    g[k] = (up - down) / (2 * eps);
  });
  return g;
}

/** Fails with the first index where `got` and `want` differ by more than `atol + rtol |want|`. */
export function assertClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  what: string,
  atol = 1e-5,
  rtol = 1e-4,
): void {
  if (got.length !== want.length) {
    throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  }
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!, x = got[i]!;
    if (!(Math.abs(x - w) <= atol + rtol * Math.abs(w))) {
      throw new Error(`${what}: element ${i} is ${x}, expected ${w}`);
    }
  }
}
