import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { LinkMinibatchSource } from "../../engine/link_minibatch_source.ts";
import { linkTrainable } from "../../engine/link_trainable.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { trainEpoch } from "../../engine/train_epoch.ts";
import { withDevices } from "../_devices.ts";
import { plantedGraph, plantedSource } from "./_link_graph.ts";

const graph = plantedGraph({
  communities: 3,
  size: 40,
  inside: 10,
  outside: 2,
  dim: 8,
  signal: 1,
  testShare: 0,
  seed: 5,
});
const seeds = Int32Array.from({ length: 96 }, (_, i) => (i * 37) % graph.train.source.length);

/** Losses of `epochs` link epochs on `device`, through trainStep or forwardBackward + an all-reduce hook. */
async function losses(device: Device, epochs: number, reduce: boolean) {
  const { source, release } = plantedSource(device, graph, [5, 5]);
  const model = new SageModel(device, {
    inDim: 8,
    hidden: 16,
    outDim: 16,
    numLayers: 2,
    dropout: 0.5,
    seed: 2,
  });
  try {
    const links = new LinkMinibatchSource(device, source, graph.train, {
      numNodes: graph.numNodes,
      negatives: { mode: "binary", ratio: 2 },
    });
    const out = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const r = await trainEpoch({
        device,
        model: linkTrainable(model, 0.01),
        source: links,
        seeds,
        batchSize: 32,
        seed: 9 + epoch,
        ...(reduce ? { reduceGradients: () => Promise.resolve(true) } : {}),
      });
      assert.equal(r.seeds, seeds.length);
      assert.ok(r.trainAccuracy >= 0 && r.trainAccuracy <= 1);
      out.push(r.loss);
    }
    return out;
  } finally {
    model.destroy();
    release();
  }
}

Deno.test("link trainEpoch() gives the same losses on WebGPU and on the CPU, with or without the all-reduce hook", async () => {
  await withDevices(async (cpu, gpu) => {
    const onCpu = await losses(cpu, 3, false);
    assert.ok(onCpu[2]! < onCpu[0]!, `the loss falls: ${onCpu}`);
    // The two-phase step that distributed training takes gives the same steps.
    assert.deepEqual(await losses(cpu, 3, true), onCpu);
    if (!gpu) return;
    const onGpu = await losses(gpu, 3, false);
    onCpu.forEach((l, i) =>
      assert.ok(Math.abs(l - onGpu[i]!) < 1e-3 * Math.max(1, l), `epoch ${i}: ${l} vs ${onGpu[i]}`)
    );
  });
});
