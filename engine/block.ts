import type { DeviceBuffer } from "./device.ts";

/**
 * One layer's bipartite message-passing graph, as DGL's blocks: `numDst`
 * destination nodes, `numSrc` source nodes of which the first `numDst` are
 * the destination nodes themselves (same order), and for each destination
 * its sampled source neighbours in CSR form with local ids.
 *
 * A model with L layers consumes L blocks, outermost first: `blocks[0]` has
 * the input nodes as sources and `blocks[L-1]` the seeds as destinations.
 *
 * @example
 * ```ts
 * import type { Block } from "./block.ts";
 * const edgesPerDst = (b: Block) => b.numEdges / b.numDst;
 * ```
 */
export interface Block {
  /** Destination nodes (this layer's outputs); they are also the first `numDst` sources. */
  readonly numDst: number;
  /**
   * Source nodes (this layer's inputs), `>= numDst`: the destinations, then the sampled neighbours
   * new to this hop.
   */
  readonly numSrc: number;
  /** Sampled edges: `indices` holds this many ids, and `indptr[numDst]` equals it. */
  readonly numEdges: number;
  /** `numDst + 1` int32 offsets into `indices`. */
  readonly indptr: DeviceBuffer;
  /** `numEdges` int32 local source ids in `[0, numSrc)`. */
  readonly indices: DeviceBuffer;
}
