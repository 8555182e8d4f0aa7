import type { DeviceBuffer, ElementType } from "./device.ts";
import type { BindingType } from "./kernel.ts";

/**
 * Pool size class for a byte size: powers of two up to 1 MiB; above, eight
 * classes per doubling in whole MiB (at most 12.5% over the size), so that
 * minibatches of slightly different sizes reuse one pooled buffer instead
 * of each taking fresh memory (first touch runs at a fraction of the copy
 * bandwidth) and leaving the pool a class it never sees again.
 */
export function sizeClass(bytes: number): number {
  const MiB = 1 << 20;
  if (bytes >= MiB) {
    const step = Math.max(MiB, 2 ** Math.floor(Math.log2(bytes)) / 8);
    return Math.ceil(bytes / step) * step;
  }
  let c = 16;
  while (c < bytes) c *= 2;
  return c;
}

/** The typed-array constructor for an element type. */
export function elementCtor(
  type: ElementType,
): Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor {
  return type === "f32" ? Float32Array : type === "i32" ? Int32Array : Uint32Array;
}

/** Throws a RangeError naming the buffer when a byte range is outside it or unaligned. */
export function checkRange(
  buffer: DeviceBuffer,
  byteOffset: number,
  byteLength: number,
): void {
  if (
    byteOffset < 0 || byteOffset % 4 !== 0 || byteLength < 0 ||
    byteLength % 4 !== 0 ||
    byteOffset + byteLength > buffer.size
  ) {
    throw new RangeError(
      `buffer "${buffer.label}" (${buffer.size} bytes): range ${byteOffset}+${byteLength} is outside it or not 4-byte aligned`,
    );
  }
}

/** A typed view of shared memory for a binding or element type. */
export function sharedView(
  type: string,
  memory: SharedArrayBuffer,
  byteOffset: number,
  length: number,
): Float32Array | Int32Array | Uint32Array {
  if (type === "f32") return new Float32Array(memory, byteOffset, length);
  if (type === "i32" || type === "atomic<i32>") {
    return new Int32Array(memory, byteOffset, length);
  }
  return new Uint32Array(memory, byteOffset, length);
}

/** How many of `seeds` have their label as the largest logit, logit row `rowOf(i)` for seed i. */
export function countCorrect(
  seeds: Int32Array,
  logits: Float32Array,
  numClasses: number,
  labelOf: (id: number) => number,
  rowOf: (i: number) => number = (i) => i,
): number {
  let correct = 0;
  for (let i = 0; i < seeds.length; i++) {
    const row = rowOf(i) * numClasses;
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if (logits[row + c]! > logits[row + best]!) best = c;
    }
    if (best === labelOf(seeds[i]!)) correct++;
  }
  return correct;
}

/** Typed-array views of shared buffers by binding type. */
export function bindingViews<B extends string>(
  memories: Readonly<Record<B, SharedArrayBuffer>>,
  offsets: Readonly<Record<B, number>>,
  sizes: Readonly<Record<B, number>>,
  types: Readonly<Record<B, BindingType>>,
): Record<B, Float32Array | Int32Array | Uint32Array> {
  const views = {} as Record<B, Float32Array | Int32Array | Uint32Array>;
  for (const name of Object.keys(memories) as B[]) {
    views[name] = sharedView(types[name], memories[name], offsets[name], sizes[name] / 4);
  }
  return views;
}

/**
 * The arguments every one-hop sampler takes: a positive integer `fanout`
 * and a `seeds` buffer holding at least `numSeeds` ids; a `RangeError` from
 * `caller` otherwise.
 */
export function checkHopArguments(
  caller: string,
  seeds: DeviceBuffer,
  numSeeds: number,
  fanout: number,
): void {
  if (!Number.isInteger(fanout) || fanout < 1) {
    throw new RangeError(`${caller}: fanout ${fanout} must be a positive integer`);
  }
  if (seeds.size < numSeeds * 4) {
    throw new RangeError(
      `${caller}: seeds buffer "${seeds.label}" holds fewer than ${numSeeds} ids`,
    );
  }
}
