import type { DeviceChoice } from "./create_device.ts";
import type { Device } from "./device.ts";

/**
 * How `predict()` and `embed()` run: which nodes, and by which inference.
 *
 * @example
 * ```ts
 * import type { PredictOptions } from "./predict_options.ts";
 * const few: PredictOptions = { nodes: [3, 1, 4], inference: "sampled", fanout: [10, 10] };
 * ```
 */
export interface PredictOptions {
  /** The nodes to predict, in this order (default: every node of the graph). */
  readonly nodes?: ArrayLike<number>;
  /**
   * `layerwise` (default; DGL's): every layer once over all nodes with full
   * neighbourhoods, deterministic; the feature table must fit one device
   * binding. `sampled` (GLT's): each node's sampled neighbourhood, cheaper
   * for a few nodes of a large graph.
   */
  readonly inference?: "layerwise" | "sampled";
  /** Neighbours per hop for `sampled` (default: the model's training fan-out, else 10 per layer). */
  readonly fanout?: readonly number[];
  /**
   * `sampled` only: draw neighbours by the dataset's `edgeWeights`, as a model
   * trained with `edgeWeight` (`--edge_weight`) was (a `RangeError` when it has none).
   */
  readonly edgeWeight?: boolean;
  /** Nodes per minibatch for `sampled` (default 2048). */
  readonly batchSize?: number;
  /** Seed of the sampling (default 0). */
  readonly seed?: number;
  /** A device to run on (left open), or which kind to open and close (default `auto`). */
  readonly device?: Device | DeviceChoice;
  /** Hears how many nodes are done (sampled inference) or layers (layer-wise). */
  readonly onProgress?: (done: number, total: number) => void;
}
