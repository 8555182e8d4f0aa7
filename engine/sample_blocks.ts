import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import exclusiveScanKernel from "./kernels/exclusive_scan.ts";
import hashFirstKernel from "./kernels/hash_first.ts";
import hashInsertKernel, { NO_BOUND } from "./kernels/hash_insert.ts";
import hashRelabelKernel from "./kernels/hash_relabel.ts";
import mapAssignKernel from "./kernels/map_assign.ts";
import mapDedupKernel from "./kernels/map_dedup.ts";
import mapFirstKernel from "./kernels/map_first.ts";
import mapInsertKernel from "./kernels/map_insert.ts";
import mapRelabelKernel from "./kernels/map_relabel.ts";
import { pcg } from "./kernels/_random.ts";
import type { SampledHop } from "./sample_neighbors.ts";

/**
 * Samples one hop for `numFrontier` node ids in `frontier`: the local
 * `sampleNeighbors`, or a distributed one that asks each partition's owner.
 *
 * @example
 * ```ts
 * import type { HopSampler } from "./sample_blocks.ts";
 * import { sampleNeighbors } from "./sample_neighbors.ts";
 * import type { Device } from "./device.ts";
 * import type { DeviceGraph } from "./device_graph.ts";
 * const local = (device: Device, graph: DeviceGraph): HopSampler => (frontier, n, fanout, seed) =>
 *   sampleNeighbors(device, graph, frontier, n, fanout, seed);
 * ```
 */
export type HopSampler = (
  frontier: DeviceBuffer,
  numFrontier: number,
  fanout: number,
  seed: number,
) => SampledHop | Promise<SampledHop>;

/**
 * A sampled minibatch: one block per layer and the input nodes whose features the first layer reads.
 *
 * @example
 * ```ts
 * import type { MiniBatch } from "./sample_blocks.ts";
 * const edges = (batch: MiniBatch) => batch.blocks.reduce((sum, b) => sum + b.numEdges, 0);
 * ```
 */
export interface MiniBatch {
  /**
   * Seeds of the minibatch: the last block's destination nodes, and the first `numSeeds` input
   * nodes.
   */
  readonly numSeeds: number;
  /** Outermost first: `blocks[0]` has the input nodes as sources, the last block the seeds as destinations. */
  readonly blocks: readonly Block[];
  /** `numInput` global node ids, seeds first in order, then each hop's new nodes in order of first appearance. */
  readonly inputNodes: DeviceBuffer;
  /** Input nodes: every node any block reads, seeds first; the rows of the input features. */
  readonly numInput: number;
  /** Returns every buffer of the minibatch to the device. */
  release(): void;
}

/**
 * Multi-hop neighbour sampling into blocks, as DGL's `sample_blocks` or
 * PyG's `NeighborLoader`: hop by hop, sample `fanouts[h]` neighbours of every
 * node reached so far, de-duplicate them on the device with a hash table,
 * and relabel to local ids so that each hop's node list starts with the
 * previous one in order. With a `nodeMap` (one entry per node of the graph)
 * de-duplication indexes it by node id; without one, each hop builds a hash
 * table. Each hop ends with one small readback (its edge and new-node counts,
 * read together). Fan-out 0 gives blocks without edges, which
 * turns GraphSAGE into an MLP.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { type HopSampler, sampleBlocks } from "./sample_blocks.ts";
 * import { sampleNeighbors } from "./sample_neighbors.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const g = DeviceGraph.upload(device, csrFromEdges(3, new Int32Array([0, 1]), new Int32Array([1, 2])));
 * const hop: HopSampler = (f, n, k, s) => sampleNeighbors(device, g, f, n, k, s);
 * const batch = await sampleBlocks(device, hop, new Int32Array([0]), [2, 2], 1);
 * console.log(batch.numInput); // 3: node 0, its neighbour 1, and 1's neighbour 2
 * batch.release();
 * device.destroy();
 * ```
 */
export async function sampleBlocks(
  device: Device,
  sampleHop: HopSampler,
  seeds: Int32Array,
  fanouts: readonly number[],
  seed: number,
  nodeMap?: NodeMap,
): Promise<MiniBatch> {
  for (const f of fanouts) {
    if (!Number.isInteger(f) || f < 0) {
      throw new RangeError(`sampleBlocks: fan-out ${f} must be a non-negative integer`);
    }
  }
  const owned: DeviceBuffer[] = [];
  const keep = (b: DeviceBuffer) => (owned.push(b), b);
  let nodes = keep(device.createBuffer(Math.max(4, seeds.byteLength), "seeds", "uninitialised"));
  device.write(nodes, seeds);
  let n = seeds.length;
  const blocks: Block[] = [];
  // A hop's scratch buffers; on failure these and every kept buffer go back.
  const temps: DeviceBuffer[] = [];
  const temp = (b: DeviceBuffer) => (temps.push(b), b);
  const dedup = nodeMap ? mapDedup(device, nodeMap) : hashDedup(device, temp);
  if (nodeMap) {
    device.dispatch(mapInsertKernel, { pos: nodeMap.buffer, ids: nodes, bound: nodes }, {
      n,
      base: 0,
      bound_at: NO_BOUND,
    });
  }
  try {
    for (let h = 0; h < fanouts.length; h++) {
      const f = fanouts[h]!;
      if (f === 0 || n === 0) {
        const indptr = keep(device.createBuffer((n + 1) * 4, "block indptr"));
        blocks.push({
          numDst: n,
          numSrc: n,
          numEdges: 0,
          indptr,
          indices: keep(device.createBuffer(4, "block indices")),
        });
        continue;
      }
      const hop = await sampleHop(nodes, n, f, pcg((seed ^ pcg(h + 1)) >>> 0));
      keep(hop.offsets);
      temp(hop.neighbors);
      const capacity = n * f;
      const ranks = temp(device.createBuffer((capacity + 1) * 4, "first flags", "uninitialised"));
      const next = keep(
        device.createBuffer((n + capacity) * 4, `hop ${h + 1} nodes`, "uninitialised"),
      );
      device.copy(nodes, next, n * 4);
      const local = keep(device.createBuffer(capacity * 4, `block ${h} indices`, "uninitialised"));
      dedup({ frontier: nodes, n, hop, capacity, ranks, next, local });
      const [edges, added] = await Promise.all([
        device.read(hop.offsets, "i32", n, 1),
        device.read(ranks, "i32", capacity, 1),
      ]);
      for (const b of temps.splice(0)) device.release(b);
      const numEdges = edges[0]!;
      const numSrc = n + added[0]!;
      blocks.push({ numDst: n, numSrc, numEdges, indptr: hop.offsets, indices: local });
      nodes = next;
      n = numSrc;
    }
  } catch (err) {
    // The map may hold entries of this minibatch: empty it whole.
    if (nodeMap) device.write(nodeMap.buffer, new Uint8Array(nodeMap.buffer.size));
    for (const b of [...temps, ...owned]) device.release(b);
    throw err;
  }
  if (nodeMap) {
    device.dispatch(mapAssignKernel, { pos: nodeMap.buffer, nodes, bound: nodes }, {
      n,
      first: 0,
      bound_at: NO_BOUND,
      clear: 1,
    });
  }
  return {
    numSeeds: seeds.length,
    blocks: blocks.reverse(),
    inputNodes: nodes,
    numInput: n,
    release: () => {
      for (const b of owned) device.release(b);
    },
  };
}

/**
 * A zeroed device buffer of one uint32 per node id of the graph sampled
 * (`numNodes`), in which `sampleBlocks` de-duplicates directly by node id
 * instead of in a hash table; it leaves the buffer zeroed again. One
 * sampling call at a time may use it.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import type { NodeMap } from "./sample_blocks.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const map: NodeMap = { buffer: device.createBuffer(1000 * 4, "node map"), numNodes: 1000 };
 * console.log(map.buffer.size); // 4000
 * device.destroy();
 * ```
 */
export interface NodeMap {
  /** `numNodes` uint32 entries, all zero between sampling calls. */
  readonly buffer: DeviceBuffer;
  /** Node ids of the graph sampled are below this. */
  readonly numNodes: number;
}

/** One hop's de-duplication: its inputs, and the buffers it fills. */
interface DedupHop {
  readonly frontier: DeviceBuffer;
  readonly n: number;
  readonly hop: SampledHop;
  readonly capacity: number;
  /** First-appearance flags, scanned into ranks (`capacity + 1`; the last is the count of new nodes). */
  readonly ranks: DeviceBuffer;
  /** The next frontier; its first `n` nodes are already copied. */
  readonly next: DeviceBuffer;
  /** The hop's neighbours as local ids. */
  readonly local: DeviceBuffer;
}

/**
 * De-duplication in the node map: record, flag, scan, relabel, then record
 * the new nodes' local ids for the next hop. No probing, no table to clear.
 * On the CPU backend, the same in one ordered pass.
 */
function mapDedup(device: Device, map: NodeMap): (d: DedupHop) => void {
  return ({ n, hop, capacity, ranks, next, local }) => {
    const pos = map.buffer;
    const edges = { ids: hop.neighbors, bound: hop.offsets };
    if (device.kind === "cpu") {
      // One ordered pass, one map access per edge, numbers the new nodes the
      // same way as the four parallel passes below, in less time than they
      // take on two threads (see map_dedup.ts).
      device.dispatch(mapDedupKernel, {
        pos,
        ...edges,
        local_ids: local,
        nodes: next,
        counts: ranks,
      }, {
        base: n,
        bound_at: n,
        count_at: capacity,
      });
      return;
    }
    const u = { n: capacity, base: n, bound_at: n };
    device.dispatch(mapInsertKernel, { pos, ...edges }, u);
    device.dispatch(mapFirstKernel, { pos, ...edges, flags: ranks }, u);
    device.dispatch(exclusiveScanKernel, { data: ranks }, { n: capacity });
    device.dispatch(mapRelabelKernel, { pos, ...edges, ranks, local_ids: local, nodes: next }, u);
    device.dispatch(mapAssignKernel, { pos, nodes: next, bound: ranks }, {
      n: capacity,
      first: n,
      bound_at: capacity,
      clear: 0,
    });
  };
}

/** De-duplication in a hash table of the hop's own, for graphs whose node count is not known. */
function hashDedup(
  device: Device,
  temp: (b: DeviceBuffer) => DeviceBuffer,
): (d: DedupHop) => void {
  return ({ frontier, n, hop, capacity, ranks, next, local }) => {
    const mask = tableSize(n + capacity) - 1;
    const keys = temp(device.createBuffer((mask + 1) * 4, "hash keys"));
    const vals = temp(device.createBuffer((mask + 1) * 4, "hash values"));
    const table = { keys, vals };
    const common = { base: n, mask, bound_at: n };
    const edges = { ids: hop.neighbors, bound: hop.offsets };
    device.dispatch(hashInsertKernel, { ...table, ids: frontier, bound: frontier }, {
      n,
      base: 0,
      mask,
      bound_at: NO_BOUND,
    });
    device.dispatch(hashInsertKernel, { ...table, ...edges }, { n: capacity, ...common });
    device.dispatch(hashFirstKernel, { ...table, ...edges, flags: ranks }, {
      n: capacity,
      ...common,
    });
    device.dispatch(exclusiveScanKernel, { data: ranks }, { n: capacity });
    device.dispatch(
      hashRelabelKernel,
      { ...table, ...edges, ranks, local_ids: local, nodes: next },
      {
        n: capacity,
        ...common,
      },
    );
  };
}

/** A power-of-two table size with load factor at most one half. */
function tableSize(entries: number): number {
  let size = 16;
  while (size < 2 * entries) size *= 2;
  return size;
}
