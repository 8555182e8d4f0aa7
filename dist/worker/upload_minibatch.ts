import type { Device } from "../../engine/device.ts";
import type { PreparedMinibatch } from "../../engine/minibatch_source.ts";
import { uploadHostMinibatch } from "../../engine/upload_host_minibatch.ts";
import type { HostMinibatch } from "./host_minibatch.ts";

/**
 * Uploads a host minibatch to `device` as a `PreparedMinibatch`, after
 * checking it answers `numSeeds` seeds over `numHops` hops with rows of
 * `dim` values; `from` names who sent it, for the error.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "../../engine/cpu_device.ts";
 * import { uploadMinibatch } from "./upload_minibatch.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const host = {
 *   numSeeds: 1, numInput: 1, inputNodes: new Int32Array([4]), blocks: [],
 *   rows: new Float32Array([0.5, 1.5]), sampleMs: 1, featureMs: 2,
 * };
 * const batch = uploadMinibatch(device, host, { numSeeds: 1, numHops: 0, dim: 2 }, "server 0");
 * console.assert(batch.numInput === 1);
 * batch.release();
 * device.destroy();
 * ```
 */
export function uploadMinibatch(
  device: Device,
  host: HostMinibatch,
  expected: { readonly numSeeds: number; readonly numHops: number; readonly dim: number },
  from: string,
): PreparedMinibatch {
  if (host.numSeeds !== expected.numSeeds || host.blocks.length !== expected.numHops) {
    throw new RangeError(
      `${from} answered ${host.numSeeds} seeds in ${host.blocks.length} blocks for ${expected.numSeeds} seeds and ${expected.numHops} hops`,
    );
  }
  if (host.rows.length !== host.numInput * expected.dim) {
    throw new RangeError(
      `${from} answered ${host.rows.length} feature values for ${host.numInput} rows of ${expected.dim}`,
    );
  }
  return uploadHostMinibatch(device, host);
}
