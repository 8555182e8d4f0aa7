import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { readTrainingState, writeTrainingState } from "../../engine/training_state.ts";
import { randomFloats, withDevices } from "../_devices.ts";
import { randomBlock, uploadBlock } from "./_blocks.ts";

const shape = { inDim: 8, hidden: 16, outDim: 3, numLayers: 2, dropout: 0.5 };

/** `steps` training steps of `model` on one fixed minibatch; the losses. */
async function train(device: Device, model: SageModel, steps: number): Promise<number[]> {
  const sizes = [60, 30, 12];
  const blocks = sizes.slice(1).map((d, l) =>
    uploadBlock(device, randomBlock(d, sizes[l]!, 5, 40 + l))
  );
  const x = device.createBuffer(60 * 8 * 4, "x");
  device.write(x, randomFloats(60 * 8, 41));
  const labels = device.createBuffer(12 * 4, "labels");
  device.write(labels, Int32Array.from({ length: 12 }, (_, i) => i % 3));
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = model.trainStep(blocks, x, labels, 12, { lr: 0.01 });
    losses.push((await device.read(loss, "f32"))[0]!);
    device.release(loss);
  }
  for (const b of blocks) b.release();
  device.release(x);
  device.release(labels);
  return losses;
}

Deno.test("a model given another's training state trains on exactly as the other would, dropout included", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      // The same --seed (dropout masks derive from it), but b has trained elsewhere.
      const a = new SageModel(device, { ...shape, seed: 1 });
      const b = new SageModel(device, { ...shape, seed: 1 });
      await train(device, a, 3);
      await train(device, b, 5);
      const state = await readTrainingState(device, a);
      assert.equal(state.adamSteps, 3);
      assert.ok(state.moment2.some((v) => v > 0), "Adam's moments were read back");
      writeTrainingState(device, b, state);
      const again = await readTrainingState(device, b);
      assert.deepEqual(again, state);
      // The next steps draw the same dropout masks and give the same losses.
      assert.deepEqual(await train(device, b, 2), await train(device, a, 2), device.kind);
      a.destroy();
      b.destroy();
    }
  });
});

Deno.test("writeTrainingState() refuses a state of another model's size, naming both", async () => {
  await withDevices((cpu) => {
    const model = new SageModel(cpu, { ...shape, seed: 1 });
    const v = new Float32Array(7);
    assert.throws(
      () => writeTrainingState(cpu, model, { parameters: v, moment1: v, moment2: v, adamSteps: 0 }),
      new RegExp(`parameters holds 7 values, the model ${model.numParameters}`),
    );
    model.destroy();
  });
});
