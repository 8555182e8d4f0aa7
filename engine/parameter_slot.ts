/**
 * One layer's slots in the flat parameter (and gradient) vector, in float32 elements.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const model = new SageModel(device, { inDim: 4, hidden: 8, outDim: 3, numLayers: 2 });
 * const first = model.slots()[0]!;
 * console.assert(first.layer === 0 && first.kind === "weight" && first.length === 2 * 4 * 8);
 * model.destroy();
 * device.destroy();
 * ```
 */
export interface ParameterSlot {
  /** The layer, 0 for the one that reads the input features. */
  readonly layer: number;
  /** `"weight"` is `2 inDim x outDim`, rows `W_self` then `W_neigh`; `"bias"` is `outDim`. */
  readonly kind: "weight" | "bias";
  /** Index of the slot's first float32 in `parameters` (and `gradients`). */
  readonly offset: number;
  /** Float32 elements in the slot. */
  readonly length: number;
}
