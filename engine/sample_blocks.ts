import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import exclusiveScanKernel from "./kernels/exclusive_scan.ts";
import hashFirstKernel from "./kernels/hash_first.ts";
import hashInsertKernel, { NO_BOUND } from "./kernels/hash_insert.ts";
import hashRelabelKernel from "./kernels/hash_relabel.ts";
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
 * previous one in order. Each hop ends with one small readback (its edge and
 * new-node counts, read together). Fan-out 0 gives blocks without edges, which
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
): Promise<MiniBatch> {
  for (const f of fanouts) {
    if (!Number.isInteger(f) || f < 0) {
      throw new RangeError(`sampleBlocks: fan-out ${f} must be a non-negative integer`);
    }
  }
  const owned: DeviceBuffer[] = [];
  const keep = (b: DeviceBuffer) => (owned.push(b), b);
  let nodes = keep(device.createBuffer(Math.max(4, seeds.byteLength), "seeds"));
  device.write(nodes, seeds);
  let n = seeds.length;
  const blocks: Block[] = [];
  // A hop's scratch buffers; on failure these and every kept buffer go back.
  const temps: DeviceBuffer[] = [];
  const temp = (b: DeviceBuffer) => (temps.push(b), b);
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
      const mask = tableSize(n + capacity) - 1;
      const keys = temp(device.createBuffer((mask + 1) * 4, "hash keys"));
      const vals = temp(device.createBuffer((mask + 1) * 4, "hash values"));
      const table = { keys, vals };
      const common = { base: n, mask, bound_at: n };
      device.dispatch(hashInsertKernel, { ...table, ids: nodes, bound: nodes }, {
        n,
        base: 0,
        mask,
        bound_at: NO_BOUND,
      });
      device.dispatch(hashInsertKernel, { ...table, ids: hop.neighbors, bound: hop.offsets }, {
        n: capacity,
        ...common,
      });
      const ranks = temp(device.createBuffer((capacity + 1) * 4, "first flags"));
      device.dispatch(hashFirstKernel, {
        ...table,
        ids: hop.neighbors,
        bound: hop.offsets,
        flags: ranks,
      }, { n: capacity, ...common });
      device.dispatch(exclusiveScanKernel, { data: ranks }, { n: capacity });
      const next = keep(device.createBuffer((n + capacity) * 4, `hop ${h + 1} nodes`));
      device.copy(nodes, next, n * 4);
      const local = keep(device.createBuffer(capacity * 4, `block ${h} indices`));
      device.dispatch(hashRelabelKernel, {
        ...table,
        ids: hop.neighbors,
        bound: hop.offsets,
        ranks,
        local_ids: local,
        nodes: next,
      }, { n: capacity, ...common });
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
    for (const b of [...temps, ...owned]) device.release(b);
    throw err;
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

/** A power-of-two table size with load factor at most one half. */
function tableSize(entries: number): number {
  let size = 16;
  while (size < 2 * entries) size *= 2;
  return size;
}
