import type { Device } from "./device.ts";
import type { Predictor } from "./evaluate.ts";
import type { MinibatchSource } from "./minibatch_source.ts";

/** How many minibatches' logits are read back together. */
const READS_IN_FLIGHT = 4;

/**
 * Sampled inference (GLT's and PyG's: the training fan-outs) over `ids`,
 * `batchSize` seeds per minibatch: returns the logits of every id, in the
 * order given, `ids.length x model.numClasses` float32. Readbacks of several
 * batches overlap. `onBatch` hears how many ids are done.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { LocalFeatureStore } from "./local_feature_store.ts";
 * import { LocalMinibatchSource } from "./local_minibatch_source.ts";
 * import { LocalSampler } from "./local_sampler.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { sampledLogits } from "./sampled_logits.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const graph = DeviceGraph.upload(device, csrFromEdges(2, new Int32Array([0, 1]), new Int32Array([1, 0])));
 * const table = DeviceTable.upload(device, new Float32Array([1, 0, 0, 1]), 2, "x");
 * const source = new LocalMinibatchSource(device, new LocalSampler(device, graph, [2]), new LocalFeatureStore(device, table));
 * const model = new SageModel(device, { inDim: 2, hidden: 4, outDim: 3, numLayers: 1 });
 * const logits = await sampledLogits(device, { numClasses: 3, predict: (b, x) => model.predict(b, x) }, source, new Int32Array([1, 0]), 64, 0);
 * console.log(logits.length); // 6
 * model.destroy();
 * graph.release();
 * table.release();
 * device.destroy();
 * ```
 */
export async function sampledLogits(
  device: Device,
  model: Predictor,
  source: MinibatchSource,
  ids: Int32Array,
  batchSize: number,
  seed: number,
  onBatch?: (done: number) => void,
): Promise<Float32Array> {
  const c = model.numClasses;
  const out = new Float32Array(ids.length * c);
  let pending: { at: number; logits: Promise<Float32Array> }[] = [];
  const settle = async () => {
    for (const p of pending) out.set(await p.logits, p.at * c);
    pending = [];
  };
  for (let at = 0; at < ids.length; at += batchSize) {
    const seeds = ids.subarray(at, at + batchSize);
    const batch = await source.next(seeds, seed + at);
    const logits = model.predict(batch.blocks, batch.inputs);
    pending.push({ at, logits: device.read(logits, "f32", 0, seeds.length * c) });
    device.release(logits);
    batch.release();
    if (pending.length >= READS_IN_FLIGHT) await settle();
    onBatch?.(at + seeds.length);
  }
  await settle();
  return out;
}
