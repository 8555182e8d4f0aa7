import type { CsrGraph } from "./graph.ts";
import type { LinkSplit } from "./link_split.ts";

/**
 * A node-property-prediction dataset held in memory: the graph, one float32
 * feature row and one label per node, and the train/valid/test split as node
 * id lists. This is what the OGB loader and the synthetic generator return
 * and what the partitioner and the single-node trainer consume.
 *
 * @example
 * ```ts
 * import type { NodeDataset } from "./dataset.ts";
 * const describe = (d: NodeDataset) => `${d.name}: ${d.graph.numNodes} nodes`;
 * ```
 */
export interface NodeDataset {
  /**
   * The dataset's name, e.g. `ogbn-products` or `synthetic`; recorded in a partition's `meta.json`.
   */
  readonly name: string;
  /**
   * The graph over node ids `0 .. graph.numNodes - 1`; a node's row holds the nodes it aggregates
   * from.
   */
  readonly graph: CsrGraph;
  /** Row-major, `graph.numNodes * featureDim` values. */
  readonly features: Float32Array;
  /** Float32 values per feature row. */
  readonly featureDim: number;
  /** One class id per node; -1 where a node has no label. */
  readonly labels: Int32Array;
  /** Number of label classes; every label is -1 or in `[0, numClasses)`. */
  readonly numClasses: number;
  /**
   * Edge weights, one per `graph.indices` entry, each finite and non-negative (what edge-weighted
   * sampling reads); absent for an unweighted graph.
   */
  readonly edgeWeights?: Float32Array;
  /**
   * The link-prediction edges, when the dataset has them (an `ogbl-*` split, or `--edge_split`):
   * what `--task=link` trains and evaluates on.
   */
  readonly links?: LinkSplit;
  /** Node ids of the training, validation and test seeds; the three lists are disjoint. */
  readonly split: {
    readonly train: Int32Array;
    readonly valid: Int32Array;
    readonly test: Int32Array;
  };
}
