// Test helpers: a sampled minibatch read back to the host, and its edges by global id.
import type { Device } from "../../engine/device.ts";
import type { MiniBatch } from "../../engine/sample_blocks.ts";

/** A minibatch's input nodes and blocks on the host. */
export interface HostBatch {
  inputNodes: number[];
  blocks: { indptr: number[]; indices: number[] }[];
}

/** Reads `batch` back and releases it. */
export async function readBatch(device: Device, batch: MiniBatch): Promise<HostBatch> {
  const inputNodes = [...await device.read(batch.inputNodes, "i32", 0, batch.numInput)];
  const blocks = [];
  for (const b of batch.blocks) {
    const indptr = [...await device.read(b.indptr, "i32", 0, b.numDst + 1)];
    const indices = b.numEdges > 0 ? [...await device.read(b.indices, "i32", 0, b.numEdges)] : [];
    blocks.push({ indptr, indices });
  }
  batch.release();
  return { inputNodes, blocks };
}

/** Every sampled edge of every block as `[destination, source]` global ids. */
export function batchEdges(batch: HostBatch): [number, number][] {
  const edges: [number, number][] = [];
  for (const block of batch.blocks) {
    for (let i = 0; i + 1 < block.indptr.length; i++) {
      for (let e = block.indptr[i]!; e < block.indptr[i + 1]!; e++) {
        edges.push([batch.inputNodes[i]!, batch.inputNodes[block.indices[e]!]!]);
      }
    }
  }
  return edges;
}
