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
import type { HostBlock, HostMinibatch } from "../../engine/host_minibatch.ts";
import type { PreparedMinibatch } from "../../engine/minibatch_source.ts";

export type { HostBlock, HostMinibatch };

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
