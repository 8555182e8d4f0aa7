import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import excludePairsCountKernel from "./kernels/exclude_pairs_count.ts";
import excludePairsFillKernel from "./kernels/exclude_pairs_fill.ts";
import exclusiveScanKernel from "./kernels/exclusive_scan.ts";

/**
 * Blocks with some pairs' edges taken out, and their buffers.
 *
 * @example
 * ```ts
 * import type { ExcludedBlocks } from "./exclude_pairs.ts";
 * const edges = (x: ExcludedBlocks) => x.blocks.reduce((s, b) => s + b.numEdges, 0);
 * ```
 */
export interface ExcludedBlocks {
  /** The blocks, in the order given; node ids and counts as before, fewer edges. */
  readonly blocks: Block[];
  /** Returns the new blocks' buffers (not the original blocks'). */
  release(): void;
}

/**
 * Takes the edges between excluded pairs out of every block, in both
 * directions (DGL's `exclude="reverse_id"`: a link minibatch must not pass
 * messages along the very edges it scores). Every block's local ids below
 * `numRows` are the same nodes (the minibatch's seeds come first in every
 * block), so `exclusion` names pairs by those local ids: `numRows + 1`
 * offsets, then each row's partners ascending (`LinkTarget.exclusion`).
 * Records count, scan and fill per block on the device, then reads back
 * every block's new edge count in one overlapped read. Edge order within a
 * destination is kept.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { excludePairs } from "./exclude_pairs.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const buf = (a: Int32Array) => {
 *   const b = device.createBuffer(a.byteLength, "x");
 *   device.write(b, a);
 *   return b;
 * };
 * // Two seeds, each the other's neighbour, and a third node; exclude (0, 1).
 * const block = {
 *   numDst: 2, numSrc: 3, numEdges: 4,
 *   indptr: buf(new Int32Array([0, 2, 4])), indices: buf(new Int32Array([1, 2, 0, 2])),
 * };
 * const out = await excludePairs(device, [block], buf(new Int32Array([0, 1, 2, 1, 0])), 2);
 * console.log(out.blocks[0]!.numEdges); // 2
 * out.release();
 * device.destroy();
 * ```
 */
export async function excludePairs(
  device: Device,
  blocks: readonly Block[],
  exclusion: DeviceBuffer,
  numRows: number,
): Promise<ExcludedBlocks> {
  const owned: DeviceBuffer[] = [];
  const release = () => {
    for (const b of owned) device.release(b);
    owned.length = 0;
  };
  try {
    const made = blocks.map((block) => {
      if (block.numEdges === 0) return undefined;
      const indptr = device.createBuffer(
        (block.numDst + 1) * 4,
        "excluded indptr",
        "uninitialised",
      );
      owned.push(indptr);
      const indices = device.createBuffer(block.numEdges * 4, "excluded indices", "uninitialised");
      owned.push(indices);
      const u = { num_dst: block.numDst, num_rows: numRows };
      const common = { indptr: block.indptr, indices: block.indices, excl: exclusion };
      device.dispatch(excludePairsCountKernel, { ...common, counts: indptr }, u);
      device.dispatch(exclusiveScanKernel, { data: indptr }, { n: block.numDst });
      device.dispatch(excludePairsFillKernel, {
        ...common,
        out_indptr: indptr,
        out_indices: indices,
      }, u);
      return { indptr, indices };
    });
    device.flush();
    const counts = await Promise.all(
      made.map((m, l) =>
        m ? device.read(m.indptr, "i32", blocks[l]!.numDst, 1) : Promise.resolve(undefined)
      ),
    );
    const out = blocks.map((block, l): Block => {
      const m = made[l];
      if (!m) return block;
      return { ...block, numEdges: counts[l]![0]!, indptr: m.indptr, indices: m.indices };
    });
    return { blocks: out, release };
  } catch (err) {
    release();
    throw err;
  }
}
