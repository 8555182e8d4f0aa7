/**
 * The shape of a GraphSAGE model (defaults: GLT's ogbn-products example).
 *
 * @example
 * ```ts
 * import type { SageModelOptions } from "./sage_model_options.ts";
 * const twoLayers: SageModelOptions = { inDim: 128, hidden: 64, outDim: 40, numLayers: 2 };
 * ```
 */
export interface SageModelOptions {
  /** Input feature width (default 100). */
  readonly inDim?: number;
  /** Hidden width (default 256). */
  readonly hidden?: number;
  /** Number of classes (default 47). */
  readonly outDim?: number;
  /** SAGE layers, one per block (default 3). */
  readonly numLayers?: number;
  /** Dropout rate between layers while training (default 0.5). */
  readonly dropout?: number;
  /** Seed of the initial parameters and of the dropout masks (default 0). */
  readonly seed?: number;
}
