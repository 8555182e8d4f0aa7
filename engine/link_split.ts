/**
 * Directed edges held as two parallel int32 id lists (the stored form of
 * `EdgeLists`): edge `i` runs from `source[i]` to `target[i]`. Ids are node ids of the graph they belong to (a dataset's ids
 * before partitioning, global ids after).
 *
 * @example
 * ```ts
 * import type { LinkEdges } from "./link_split.ts";
 * const edges: LinkEdges = { source: new Int32Array([0, 1]), target: new Int32Array([1, 2]) };
 * console.log(edges.source.length); // 2
 * ```
 */
export interface LinkEdges {
  /** Source node of each edge. */
  readonly source: Int32Array;
  /** Destination node of each edge; as long as `source`. */
  readonly target: Int32Array;
}

/**
 * The edges of a link-prediction task (OGB's `split/NAME/` for an `ogbl-*`
 * dataset, or `--edge_split`): positive training, validation and test edges,
 * and the optional fixed negatives that OGB's Hits@K and MRR rank the
 * positives against. Validation and test edges are not in the graph used for
 * message passing, so a model cannot read them.
 *
 * @example
 * ```ts
 * import type { LinkSplit } from "./link_split.ts";
 * const sizes = (s: LinkSplit) => [s.train.source.length, s.valid.source.length, s.test.source.length];
 * ```
 */
export interface LinkSplit {
  /** Positive training edges (both directions of each are in the graph). */
  readonly train: LinkEdges;
  /** Positive validation edges, kept out of the graph. */
  readonly valid: LinkEdges;
  /** Positive test edges, kept out of the graph. */
  readonly test: LinkEdges;
  /** Fixed negative validation edges (`valid_neg`), when the dataset gives them. */
  readonly validNeg?: LinkEdges;
  /** Fixed negative test edges (`test_neg`), when the dataset gives them. */
  readonly testNeg?: LinkEdges;
}
