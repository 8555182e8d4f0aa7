import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceTable } from "../../engine/device_table.ts";
import { DeviceEdgeWeights } from "../../engine/edge_weights.ts";
import { gatherRows } from "../../engine/gather_rows.ts";
import { sampleNeighbors } from "../../engine/sample_neighbors.ts";
import { sampleNeighborsWeighted } from "../../engine/sample_neighbors_weighted.ts";
import type { LoadedPartition } from "../../partition/load_partition.ts";

/**
 * A hop sampled on the host's side of the wire: CSR offsets and neighbour ids.
 *
 * @example
 * ```ts
 * import type { HostHop } from "./owned_partition.ts";
 * const degreeOf = (hop: HostHop, i: number) => hop.offsets[i + 1]! - hop.offsets[i]!;
 * ```
 */
export interface HostHop {
  /** `n + 1` offsets into `neighbors` for the `n` frontier nodes asked for, starting at 0. */
  readonly offsets: Int32Array<ArrayBuffer>;
  /** Sampled neighbours, global ids, `offsets[n]` of them: at most `fanout` per frontier node. */
  readonly neighbors: Int32Array<ArrayBuffer>;
}

/**
 * One partition on its owner's device: the graph, the feature rows and the
 * cache of hot remote rows. It answers for owned nodes only, and both the
 * owner's own sampler and the RPC service run this same code, so a node is
 * sampled the same way whoever asks.
 *
 * The graph is indexed by GLOBAL id (rows below the partition's offset are
 * empty), because the sampling kernel's random choice depends on the seed
 * value and the id it is given: with global ids, a node drawn with the same
 * seed gets the same neighbours on any partition layout, as on one node.
 * Uploaded with its edge weights, it can also draw by weight; the weights
 * are uploaded with the whole dataset's largest weight (`meta.json`'s
 * `edgeWeights.maxWeight`), so the sampling keys, and so the draws, are
 * those of the whole graph.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "../../engine/cpu_device.ts";
 * import { generateSynthetic } from "../../partition/synthetic.ts";
 * import { partitionDataset } from "../../partition/partition_dataset.ts";
 * import { loadPartition } from "../../partition/load_partition.ts";
 * import { OwnedPartition } from "./owned_partition.ts";
 * const output = await Deno.makeTempDir();
 * await partitionDataset(generateSynthetic({ scale: 0.001, quiet: true }), {
 *   numPartitions: 2, partitioner: "random", output, quiet: true,
 * });
 * const device = new CpuDevice({ threads: 1 });
 * const owned = OwnedPartition.upload(device, await loadPartition(output, 1));
 * const hop = await owned.sample(new Int32Array([owned.offset]), 5, 42);
 * console.log(hop.offsets.length); // 2
 * owned.release();
 * device.destroy();
 * await Deno.remove(output, { recursive: true });
 * ```
 */
export class OwnedPartition {
  private constructor(
    readonly device: Device,
    /** This partition's index. */
    readonly partition: number,
    readonly partitionBook: Int32Array,
    /** First owned global id. */
    readonly offset: number,
    /** Number of owned nodes. */
    readonly numOwned: number,
    /** Host copy of the local CSR offsets (local rows). */
    readonly indptr: Int32Array,
    /** Global-indexed graph on the device. */
    readonly graph: DeviceGraph,
    /** Owned feature rows, local row order. */
    readonly features: DeviceTable,
    /** Ascending global ids of the cached hot remote nodes. */
    readonly cacheIds: Int32Array,
    /** Their feature rows, in the same order. */
    readonly cacheFeatures: DeviceTable,
    /** The edge weights on the device, when uploaded with them. */
    readonly weights: DeviceEdgeWeights | undefined,
    /** Per owned node (local rows), its number of positive-weight edges, when weighted. */
    readonly positiveDegree: Int32Array | undefined,
  ) {}

  /**
   * Uploads a loaded partition's graph, features and cache to `device`, and
   * with `options.edgeWeights` its edge weights too (a `RangeError` when the
   * partition has none), so that it can sample by weight.
   */
  static upload(
    device: Device,
    partition: LoadedPartition,
    options: { readonly edgeWeights?: boolean } = {},
  ): OwnedPartition {
    const { offset, graph, meta } = partition;
    const count = graph.numNodes;
    const dim = meta.dataset.featureDim;
    const indptr = new Int32Array(offset + count + 1);
    indptr.set(graph.indptr, offset);
    const globalGraph = { numNodes: offset + count, indptr, indices: graph.indices };
    let weights: DeviceEdgeWeights | undefined;
    let positiveDegree: Int32Array | undefined;
    if (options.edgeWeights) {
      const w = partition.edgeWeights;
      if (!w || meta.edgeWeights === null) {
        throw new RangeError(
          `partition ${partition.partition} has no edge weights: its directory was partitioned from an unweighted dataset`,
        );
      }
      weights = DeviceEdgeWeights.upload(device, globalGraph, w, {
        maxWeight: meta.edgeWeights.maxWeight,
        source: `edge weights of part ${partition.partition}`,
      });
      positiveDegree = new Int32Array(count);
      for (let v = 0; v < count; v++) {
        for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
          if (w[e]! > 0) positiveDegree[v]!++;
        }
      }
    }
    const deviceGraph = DeviceGraph.upload(device, globalGraph);
    return new OwnedPartition(
      device,
      partition.partition,
      partition.partitionBook,
      offset,
      count,
      graph.indptr,
      deviceGraph,
      DeviceTable.upload(
        device,
        partition.features,
        dim,
        `features of part ${partition.partition}`,
      ),
      partition.cache.ids,
      DeviceTable.upload(
        device,
        partition.cache.features,
        dim,
        `cache of part ${partition.partition}`,
      ),
      weights,
      positiveDegree,
    );
  }

  /** Values per feature row. */
  get dim(): number {
    return this.features.dim;
  }

  /** Throws `RangeError` naming the first id this partition does not own. */
  checkOwned(ids: Int32Array): void {
    const end = this.offset + this.numOwned;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(id >= this.offset && id < end)) {
        throw new RangeError(
          `node ${id} (position ${i}) is not owned by partition ${this.partition}, which owns ${this.offset}..${
            end - 1
          }`,
        );
      }
    }
  }

  /**
   * Samples up to `fanout` distinct neighbours of each owned global id, on
   * the device, with kernel seed `seed`: uniformly, or with `weighted` by
   * edge weight (never a zero-weight edge; a `RangeError` when uploaded
   * without weights). The offsets are computed on the host from the
   * degrees, so only the neighbours are read back.
   */
  async sample(ids: Int32Array, fanout: number, seed: number, weighted = false): Promise<HostHop> {
    this.checkOwned(ids);
    if (!Number.isInteger(fanout) || fanout < 1) {
      throw new RangeError(`sample: fanout ${fanout} must be a positive integer`);
    }
    const weights = weighted ? this.weights : undefined;
    const positive = this.positiveDegree;
    if (weighted && (!weights || !positive)) {
      throw new RangeError(
        `sample: weighted sampling asked of partition ${this.partition}, which was loaded without edge weights`,
      );
    }
    const n = ids.length;
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const v = ids[i]! - this.offset;
      const degree = weights ? positive![v]! : this.indptr[v + 1]! - this.indptr[v]!;
      offsets[i + 1] = offsets[i]! + Math.min(fanout, degree);
    }
    const total = offsets[n]!;
    if (total === 0) return { offsets, neighbors: new Int32Array(0) };
    const device = this.device;
    const seeds = device.createBuffer(ids.byteLength, "owned sample seeds");
    device.write(seeds, ids);
    const hop = weights
      ? sampleNeighborsWeighted(device, this.graph, weights, seeds, n, fanout, seed)
      : sampleNeighbors(device, this.graph, seeds, n, fanout, seed);
    try {
      const neighbors = await device.read(hop.neighbors, "i32", 0, total);
      return { offsets, neighbors };
    } finally {
      for (const b of [seeds, hop.offsets, hop.neighbors]) device.release(b);
    }
  }

  /** The feature rows of owned global ids, row after row. */
  async lookup(ids: Int32Array): Promise<Float32Array<ArrayBuffer>> {
    this.checkOwned(ids);
    if (ids.length === 0) return new Float32Array(0);
    const local = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) local[i] = ids[i]! - this.offset;
    const out = this.device.createBuffer(ids.length * this.dim * 4, "owned feature rows");
    try {
      gatherRows(this.device, this.features, local, out);
      return await this.device.read(out, "f32", 0, ids.length * this.dim);
    } finally {
      this.device.release(out);
    }
  }

  /** Returns every device buffer. */
  release(): void {
    this.weights?.release();
    this.graph.release();
    this.features.release();
    this.cacheFeatures.release();
  }
}
