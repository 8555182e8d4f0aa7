/**
 * A prepared minibatch as host arrays: the form in which it crosses a thread
 * (from the partition server's Worker to its trainer) or the network (from a
 * sampling server to its client). One schema for both, checked on receipt.
 *
 * @example
 * ```ts
 * import { hostMinibatchSchema } from "./host_minibatch.ts";
 * const batch = hostMinibatchSchema.parse({
 *   numSeeds: 1, numInput: 1, inputNodes: new Int32Array([4]), blocks: [],
 *   rows: new Float32Array([0.5, 1.5]), sampleMs: 1, featureMs: 2,
 * });
 * console.assert(batch.rows.length === 2);
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Device } from "../../engine/device.ts";
import type { PreparedMinibatch } from "../../engine/minibatch_source.ts";

/**
 * One block as host arrays: the host form of a `Block`.
 *
 * @example
 * ```ts
 * import type { HostBlock } from "./host_minibatch.ts";
 * // Two destinations, each with the other as its one sampled neighbour.
 * const block: HostBlock = {
 *   numDst: 2, numSrc: 2, numEdges: 2, indptr: new Int32Array([0, 1, 2]), indices: new Int32Array([1, 0]),
 * };
 * ```
 */
export interface HostBlock {
  /** Destination nodes; also the first `numDst` sources. */
  numDst: number;
  /** Source nodes, `>= numDst`. */
  numSrc: number;
  /** Sampled edges, the length of `indices`. */
  numEdges: number;
  /** `numDst + 1` offsets into `indices`. */
  indptr: Int32Array<ArrayBuffer>;
  /** `numEdges` local source ids in `[0, numSrc)`. */
  indices: Int32Array<ArrayBuffer>;
}

/**
 * A minibatch as host arrays, with the time its preparation took: what the
 * partition server's Worker posts to its trainer, and what `minibatch.produce`
 * answers a client.
 *
 * @example
 * ```ts
 * import type { HostMinibatch } from "./host_minibatch.ts";
 * const featureBytes = (m: HostMinibatch) => m.rows.byteLength;
 * ```
 */
export interface HostMinibatch {
  /** Seeds of the minibatch, the first `numSeeds` input nodes. */
  numSeeds: number;
  /** Input nodes, the length of `inputNodes`. */
  numInput: number;
  /** `numInput` global ids, seeds first. */
  inputNodes: Int32Array<ArrayBuffer>;
  /** Outermost first, as `MiniBatch.blocks`. */
  blocks: HostBlock[];
  /** `numInput * dim` input features, row after row. */
  rows: Float32Array<ArrayBuffer>;
  /** Time sampling took where it ran, in milliseconds. */
  sampleMs: number;
  /** Time gathering and fetching the features took where it ran, in milliseconds. */
  featureMs: number;
  /** Feature bytes fetched from other partitions for it, where its maker knows. */
  remoteBytes?: number | undefined;
}

const count = z.number().int().nonnegative();
const int32 = z.custom<Int32Array<ArrayBuffer>>((v) => v instanceof Int32Array);
const ms = z.number().nonnegative();

/** Schema of a {@link HostBlock}. */
export const hostBlockSchema: z.ZodType<HostBlock> = z.object({
  numDst: count,
  numSrc: count,
  numEdges: count,
  indptr: int32,
  indices: int32,
});

/** Schema of a {@link HostMinibatch}, checked on receipt from a Worker or a server. */
export const hostMinibatchSchema: z.ZodType<HostMinibatch> = z.object({
  numSeeds: count,
  numInput: count,
  inputNodes: int32,
  blocks: z.array(hostBlockSchema),
  rows: z.custom<Float32Array<ArrayBuffer>>((v) => v instanceof Float32Array),
  sampleMs: ms,
  featureMs: ms,
  remoteBytes: ms.optional(),
});

/**
 * Reads `batch` back from `device` into host arrays; the second value lists
 * their buffers, to transfer rather than copy them across a thread.
 */
export async function readMinibatch(
  device: Device,
  batch: PreparedMinibatch,
  dim: number,
): Promise<[HostMinibatch, ArrayBuffer[]]> {
  const blocks: HostBlock[] = [];
  for (const { numDst, numSrc, numEdges, ...b } of batch.blocks) {
    const [indptr, indices] = await Promise.all([
      device.read(b.indptr, "i32", 0, numDst + 1),
      device.read(b.indices, "i32", 0, numEdges),
    ]);
    blocks.push({ numDst, numSrc, numEdges, indptr, indices });
  }
  const inputNodes = await device.read(batch.inputNodes, "i32", 0, batch.numInput);
  const rows = await device.read(batch.inputs, "f32", 0, batch.numInput * dim);
  const host: HostMinibatch = {
    numSeeds: batch.numSeeds,
    numInput: batch.numInput,
    inputNodes,
    blocks,
    rows,
    sampleMs: batch.sampleMs,
    featureMs: batch.featureMs,
  };
  const transfer = [inputNodes.buffer, rows.buffer];
  for (const b of blocks) transfer.push(b.indptr.buffer, b.indices.buffer);
  return [host, transfer];
}
