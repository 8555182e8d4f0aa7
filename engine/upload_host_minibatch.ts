import type { Device, DeviceBuffer } from "./device.ts";
import type { HostMinibatch } from "./host_minibatch.ts";
import type { PreparedMinibatch } from "./minibatch_source.ts";

/**
 * Uploads a minibatch prepared as host arrays (by the single-node minibatch
 * Worker, a partition server's Worker or a sampling server) to `device`.
 * Every buffer is written whole, so none is zero-filled first; `release()`
 * frees them all. The caller checks the shapes it expects.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { uploadHostMinibatch } from "./upload_host_minibatch.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const batch = uploadHostMinibatch(device, {
 *   numSeeds: 1, numInput: 1, inputNodes: new Int32Array([4]), blocks: [],
 *   rows: new Float32Array([0.5, 1.5]), sampleMs: 1, featureMs: 2,
 * });
 * console.assert(batch.numInput === 1);
 * batch.release();
 * device.destroy();
 * ```
 */
export function uploadHostMinibatch(device: Device, host: HostMinibatch): PreparedMinibatch {
  const owned: DeviceBuffer[] = [];
  const put = (data: Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>, label: string) => {
    const b = device.createBuffer(Math.max(4, data.byteLength), label, "uninitialised");
    if (data.length > 0) device.write(b, data);
    owned.push(b);
    return b;
  };
  const blocks = host.blocks.map((b) => ({
    numDst: b.numDst,
    numSrc: b.numSrc,
    numEdges: b.numEdges,
    indptr: put(b.indptr, "block indptr"),
    indices: put(b.indices, "block indices"),
  }));
  return {
    numSeeds: host.numSeeds,
    numInput: host.numInput,
    blocks,
    inputNodes: put(host.inputNodes, "input nodes"),
    inputs: put(host.rows, "inputs"),
    sampleMs: host.sampleMs,
    featureMs: host.featureMs,
    ...(host.remoteBytes === undefined ? {} : { remoteBytes: host.remoteBytes }),
    release: () => {
      for (const b of owned) device.release(b);
    },
  };
}
