import type { Block } from "./block.ts";
import type { DeviceBuffer } from "./device.ts";

/** Where one layer's weights and bias sit in a SAGE model's flat parameter vector. */
export interface LayerSlots {
  readonly inDim: number;
  readonly outDim: number;
  /** Offset of `W` (`2 inDim x outDim`: rows `W_self` then `W_neigh`). */
  readonly weight: number;
  /** Offset of the `outDim` bias values. */
  readonly bias: number;
}

/** Rounds up to a multiple of 4 elements, so every slot starts 16-byte aligned. */
const align = (n: number) => Math.ceil(n / 4) * 4;

/** The flat layout of a SAGE model's parameters and its total length. */
export function sageLayout(dims: readonly number[]): { layers: LayerSlots[]; length: number } {
  const layers: LayerSlots[] = [];
  let at = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const inDim = dims[l]!, outDim = dims[l + 1]!;
    const weight = at;
    at = align(at + 2 * inDim * outDim);
    const bias = at;
    at = align(at + outDim);
    layers.push({ inDim, outDim, weight, bias });
  }
  return { layers, length: Math.max(4, at) };
}

/**
 * Deterministic initial parameters: Glorot (Xavier) uniform for `W_self` and
 * `W_neigh` separately, as two `Linear(inDim, outDim)` layers, zero biases.
 */
export function glorotParameters(
  layers: readonly LayerSlots[],
  length: number,
  seed: number,
): Float32Array<ArrayBuffer> {
  const params = new Float32Array(length);
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (const { inDim, outDim, weight } of layers) {
    const limit = Math.sqrt(6 / (inDim + outDim));
    for (let i = 0; i < 2 * inDim * outDim; i++) {
      params[weight + i] = (2 * next() - 1) * limit;
    }
  }
  return params;
}

/** Checks that `blocks` chain into `numLayers` layers over `inputFeatures` rows of `inDim`. */
export function checkBlocks(
  blocks: readonly Block[],
  numLayers: number,
  inputFeatures: DeviceBuffer,
  inDim: number,
): void {
  if (blocks.length !== numLayers) {
    throw new RangeError(
      `SageModel: got ${blocks.length} blocks for ${numLayers} layers`,
    );
  }
  blocks.forEach((b, l) => {
    const next = blocks[l + 1];
    if (next && next.numSrc !== b.numDst) {
      throw new RangeError(
        `SageModel: block ${
          l + 1
        } has ${next.numSrc} sources, expected block ${l}'s ${b.numDst} destinations`,
      );
    }
    if (b.numSrc < b.numDst) {
      throw new RangeError(
        `SageModel: block ${l} has fewer sources (${b.numSrc}) than destinations (${b.numDst})`,
      );
    }
  });
  const need = blocks[0]!.numSrc * inDim * 4;
  if (inputFeatures.size < need) {
    throw new RangeError(
      `SageModel: inputFeatures ("${inputFeatures.label}") holds ${inputFeatures.size} bytes, expected ${need}`,
    );
  }
}

/** `v`, or a `RangeError` naming the option when it is not a positive integer. */
export function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`SageModel: ${name} is ${v}, expected a positive integer`);
  }
  return v;
}
