import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceTable } from "../../engine/device_table.ts";
import { LocalFeatureStore } from "../../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../../engine/local_minibatch_source.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { type Trainable, trainEpoch } from "../../engine/train_epoch.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { withDevices } from "../_devices.ts";

const data = generateSynthetic({ scale: 0.0005, seed: 2, quiet: true });

function setup(device: Device) {
  const model = new SageModel(device, {
    inDim: 100,
    hidden: 16,
    outDim: 47,
    numLayers: 2,
    dropout: 0.5,
    seed: 4,
  });
  const trainable: Trainable = {
    numClasses: 47,
    forwardBackward: (b, x, y, n) => model.forwardBackward(b, x, y, n),
    applyGradients: () => model.applyGradients({ lr: 0.01 }),
    trainStep: (b, x, y, n) => model.trainStep(b, x, y, n, { lr: 0.01 }),
    predict: (b, x) => model.predict(b, x),
  };
  return {
    device,
    model: trainable,
    source: new LocalMinibatchSource(
      device,
      new LocalSampler(device, DeviceGraph.upload(device, data.graph), [5, 3]),
      new LocalFeatureStore(device, DeviceTable.upload(device, data.features, 100, "features")),
    ),
    labelOf: (id: number) => data.labels[id]!,
  };
}

Deno.test("trainEpoch() gives the same losses on WebGPU and on the CPU for the first steps", async () => {
  await withDevices(async (cpu, gpu) => {
    if (!gpu) return;
    const seeds = data.split.train.subarray(0, 48);
    const losses = [];
    for (const device of [cpu, gpu]) {
      const perStep = [];
      const s = setup(device);
      for (let epoch = 0; epoch < 3; epoch++) {
        const r = await trainEpoch({ ...s, seeds, batchSize: 48, seed: 9 + epoch });
        perStep.push(r.loss);
      }
      losses.push(perStep);
    }
    const [onCpu, onGpu] = losses as [number[], number[]];
    assert.ok(onCpu[2]! < onCpu[0]!, `the loss falls: ${onCpu}`);
    onCpu.forEach((l, i) =>
      assert.ok(Math.abs(l - onGpu[i]!) < 1e-3 * Math.max(1, l), `step ${i}: ${l} vs ${onGpu[i]}`)
    );
  });
});

Deno.test("trainEpoch() uses every seed once and takes empty steps up to the agreed count", async () => {
  await withDevices(async (cpu) => {
    const s = setup(cpu);
    const seeds = data.split.train.subarray(0, 50);
    const calls: boolean[] = [];
    const r = await trainEpoch({
      ...s,
      seeds,
      batchSize: 16,
      seed: 1,
      steps: 6,
      reduceGradients: (_, hasBatch) => {
        calls.push(hasBatch);
        return Promise.resolve();
      },
    });
    assert.equal(r.batches, 4);
    assert.deepEqual(calls, [true, true, true, true, false, false]);
    assert.equal(r.seeds, 50);
    assert.equal(r.seedSum, seeds.reduce((a, v) => a + v, 0));
    for (const ms of [r.sampleMs, r.featureMs, r.trainMs, r.waitMs]) assert.ok(ms >= 0);
  });
});

Deno.test("trainEpoch() rejects with a prefetched minibatch's error that came during another step", async () => {
  await withDevices(async (cpu) => {
    const s = setup(cpu);
    const local = s.source;
    let calls = 0;
    // The second minibatch fails while the first step's all-reduce still waits
    // (a macrotask later): the failure is the epoch's, not an unhandled rejection.
    const source = {
      fanouts: local.fanouts,
      dim: local.dim,
      next: (seeds: Int32Array, seed: number) =>
        ++calls === 2 ? Promise.reject(new Error("server 1 is gone")) : local.next(seeds, seed),
    };
    await assert.rejects(
      trainEpoch({
        ...s,
        source,
        seeds: data.split.train.subarray(0, 48),
        batchSize: 16,
        seed: 1,
        reduceGradients: () => new Promise((r) => setTimeout(r, 50)),
      }),
      /server 1 is gone/,
    );
  });
});
