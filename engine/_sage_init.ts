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
 * Deterministic initial parameters drawn as PyTorch draws them for PyG's
 * `SAGEConv` (whose `lin_l` and `lin_r` are `Linear(inDim, outDim)`, the
 * first with a bias): every weight of `W_self` and `W_neigh` and every bias
 * from U(-1/sqrt(inDim), 1/sqrt(inDim)), which is `kaiming_uniform_(a =
 * sqrt(5))` for the weights and the bias rule of `torch.nn.Linear`. (The
 * Glorot rule with zero biases used before drew larger weights for narrow
 * outputs, bound 0.14 against 0.0625 for 256 -> 47, and learned more slowly
 * in the first epochs than PyTorch.)
 */
export function torchLinearParameters(
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
  for (const { inDim, outDim, weight, bias } of layers) {
    const bound = 1 / Math.sqrt(inDim);
    for (let i = 0; i < 2 * inDim * outDim; i++) {
      params[weight + i] = (2 * next() - 1) * bound;
    }
    for (let o = 0; o < outDim; o++) params[bias + o] = (2 * next() - 1) * bound;
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
