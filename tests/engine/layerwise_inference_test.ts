import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceTable } from "../../engine/device_table.ts";
import { gatherRows } from "../../engine/gather_rows.ts";
import { layerwiseLogits } from "../../engine/layerwise_inference.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { withDevices } from "../_devices.ts";
import { assertClose } from "./_blocks.ts";

const data = generateSynthetic({ scale: 0.0005, seed: 3, quiet: true });

/** Sampled inference with fan-outs past every degree: every neighbour, as layer-wise inference uses. */
async function fullSampledLogits(device: Device, model: SageModel, ids: Int32Array) {
  let maxDegree = 0;
  for (let v = 0; v < data.graph.numNodes; v++) {
    maxDegree = Math.max(maxDegree, data.graph.indptr[v + 1]! - data.graph.indptr[v]!);
  }
  const graph = DeviceGraph.upload(device, data.graph);
  const table = DeviceTable.upload(device, data.features, data.featureDim, "features");
  const sampler = new LocalSampler(device, graph, Array(model.numLayers).fill(maxDegree + 1));
  const batch = await sampler.sample(ids, 1);
  const inputs = device.createBuffer(batch.numInput * data.featureDim * 4, "inputs");
  gatherRows(device, table, batch.inputNodes, inputs, batch.numInput);
  const logits = model.predict(batch.blocks, inputs);
  const got = await device.read(logits, "f32", 0, ids.length * model.outDim);
  for (const b of [logits, inputs]) device.release(b);
  batch.release();
  graph.release();
  table.release();
  return got;
}

Deno.test("layerwiseLogits() equals sampled inference over every neighbour, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    const ids = data.split.test.slice(0, 300);
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const model = new SageModel(device, {
        inDim: data.featureDim,
        hidden: 32,
        outDim: data.numClasses,
        numLayers: 3,
        seed: 5,
      });
      const inputs = device.createBuffer(data.features.byteLength, "features");
      device.write(inputs, data.features);
      // Chunks of 100 rows: several per layer, the last one partial.
      const all = await layerwiseLogits(device, model, data.graph, inputs, 100);
      assert.equal(all.length, data.graph.numNodes * data.numClasses);
      const want = await fullSampledLogits(device, model, ids);
      const got = new Float32Array(ids.length * data.numClasses);
      ids.forEach((id, i) =>
        got.set(all.subarray(id * data.numClasses, (id + 1) * data.numClasses), i * data.numClasses)
      );
      assertClose(got, want, device.kind, 1e-4, 1e-3);
      device.release(inputs);
      model.destroy();
    }
  });
});
