import assert from "node:assert/strict";
import { broadcastTrainingState } from "../../../dist/cluster/broadcast_state.ts";
import { ringReducers } from "../../../dist/cluster/ring_reducers.ts";
import { CpuDevice } from "../../../engine/cpu_device.ts";
import { SageModel } from "../../../engine/sage_model.ts";
import { trainEpoch } from "../../../engine/train_epoch.ts";
import { readTrainingState } from "../../../engine/training_state.ts";
import { ringCluster } from "../_ring_cluster.ts";

const secret = new TextEncoder().encode("ring reducers test secret");
const shape = { inDim: 6, hidden: 8, outDim: 3, numLayers: 2 };

/** Two ring members on loopback, each with its own device and a model of its own seed. */
async function twoTrainers(
  body: (
    t: { device: CpuDevice; model: SageModel }[],
    rings: Awaited<ReturnType<typeof ringCluster>>["rings"],
  ) => Promise<void>,
) {
  const cluster = await ringCluster(2, secret, { timeoutMs: 5000 });
  const trainers = [0, 1].map((rank) => {
    const device = new CpuDevice({ threads: 1, blas: false });
    return { device, model: new SageModel(device, { ...shape, seed: 10 + rank }) };
  });
  try {
    await body(trainers, cluster.rings);
  } finally {
    for (const t of trainers) {
      t.model.destroy();
      t.device.destroy();
    }
    await cluster.close();
  }
}

Deno.test("a step in which no trainer has seeds is skipped, not divided by zero", async () => {
  await twoTrainers(async (trainers, rings) => {
    const before = await Promise.all(trainers.map((t) => readTrainingState(t.device, t.model)));
    await Promise.all(trainers.map(({ device, model }, i) =>
      trainEpoch({
        device,
        model: {
          numClasses: 3,
          forwardBackward: () => {
            throw new Error("no minibatch to train on");
          },
          applyGradients: () => model.applyGradients({ lr: 0.1 }),
          trainStep: () => {
            throw new Error("no minibatch to train on");
          },
          predict: (b, x) => model.predict(b, x),
        },
        source: {
          fanouts: [2, 2],
          dim: 6,
          next: () => Promise.reject(new Error("no seeds, nothing to sample")),
        },
        seeds: new Int32Array(0),
        labelOf: () => 0,
        batchSize: 4,
        seed: 1,
        steps: 3,
        ...ringReducers(device, model, rings[i]!, new AbortController().signal),
      })
    ));
    for (const [i, t] of trainers.entries()) {
      const after = await readTrainingState(t.device, t.model);
      assert.equal(after.adamSteps, 0, "no optimizer step was taken");
      assert.ok(after.parameters.every((x) => Number.isFinite(x)), "no NaN");
      assert.deepEqual(after.parameters, before[i]!.parameters);
    }
  });
});

Deno.test("broadcastTrainingState() gives every trainer member 0's state and epoch, bit for bit", async () => {
  await twoTrainers(async (trainers, rings) => {
    const [a, b] = trainers as [typeof trainers[0], typeof trainers[0]];
    // Member 0 holds a state no seed gives: moments, a negative zero, a step past 2^16.
    const n = a.model.numParameters;
    const odd = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3.25);
    odd[1] = -0;
    a.device.write(a.model.parameters, odd);
    a.device.write(a.model.adam.moments[0], odd.map((x) => x / 3));
    a.device.write(a.model.adam.moments[1], odd.map((x) => x * x));
    a.model.adam.restoreSteps(70_001);
    const epochs = await Promise.all([
      broadcastTrainingState(a.device, a.model, rings[0]!, 5),
      broadcastTrainingState(b.device, b.model, rings[1]!, 0),
    ]);
    assert.deepEqual(epochs, [5, 5]);
    const [sa, sb] = await Promise.all(trainers.map((t) => readTrainingState(t.device, t.model)));
    for (const key of ["parameters", "moment1", "moment2"] as const) {
      assert.deepEqual(
        new Uint32Array(sb![key].slice().buffer),
        new Uint32Array(sa![key].slice().buffer),
        key,
      );
    }
    assert.ok(Object.is(sb!.parameters[1], -0), "a negative zero stays negative");
    assert.equal(sb!.adamSteps, 70_001);
  });
});
