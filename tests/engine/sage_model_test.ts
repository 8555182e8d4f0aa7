import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { SageModel } from "../../engine/sage_model.ts";
import type { SageModelOptions } from "../../engine/sage_model_options.ts";
import { randomFloats, rng, withDevices } from "../_devices.ts";
import {
  assertClose,
  finiteDifferences,
  type HostBlock,
  meanAggregate64,
  randomBlock,
  uploadBlock,
} from "./_blocks.ts";

/** Blocks for `sizes` = [input nodes, ..., seeds], outermost first. */
function hostBlocks(sizes: readonly number[], maxDegree: number, seed: number): HostBlock[] {
  return sizes.slice(1).map((numDst, l) => randomBlock(numDst, sizes[l]!, maxDegree, seed + l));
}

/** float64 reference of the model's loss (no dropout) for a flat parameter vector. */
function loss64(
  model: SageModel,
  params: ArrayLike<number>,
  blocks: readonly HostBlock[],
  x: ArrayLike<number>,
  labels: Int32Array,
  batch: number,
): number {
  const slots = model.slots();
  let h: ArrayLike<number> = x;
  blocks.forEach((b, l) => {
    const inDim = l === 0 ? model.inDim : model.hidden;
    const outDim = l === blocks.length - 1 ? model.outDim : model.hidden;
    const w = slots[2 * l]!.offset, bias = slots[2 * l + 1]!.offset;
    const mean = meanAggregate64(b, h, inDim);
    const y = new Float64Array(b.numDst * outDim);
    for (let d = 0; d < b.numDst; d++) {
      for (let o = 0; o < outDim; o++) {
        let acc = params[bias + o]!;
        for (let c = 0; c < inDim; c++) {
          acc += h[d * inDim + c]! * params[w + c * outDim + o]!;
          acc += mean[d * inDim + c]! * params[w + (inDim + c) * outDim + o]!;
        }
        y[d * outDim + o] = l < blocks.length - 1 ? Math.max(acc, 0) : acc;
      }
    }
    h = y;
  });
  let total = 0;
  for (let r = 0; r < batch; r++) {
    const row = Array.from({ length: model.outDim }, (_, c) => h[r * model.outDim + c]!);
    const max = Math.max(...row);
    total += max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - row[labels[r]!]!;
  }
  return total / batch;
}

function upload(device: Device, data: Float32Array | Int32Array, label: string) {
  const b = device.createBuffer(data.byteLength, label);
  device.write(b, data);
  return b;
}

Deno.test("SageModel gradients match float64 finite differences, and WebGPU's match the CPU's", async () => {
  await withDevices(async (cpu, gpu) => {
    const opts: SageModelOptions = {
      inDim: 5,
      hidden: 6,
      outDim: 4,
      numLayers: 2,
      dropout: 0,
      seed: 3,
    };
    const hb = hostBlocks([20, 9, 4], 4, 11);
    const x = randomFloats(20 * 5, 12);
    const labels = Int32Array.from([0, 3, 1]);
    const batch = 3;
    const run = async (device: Device) => {
      const model = new SageModel(device, opts);
      const blocks = hb.map((b) => uploadBlock(device, b));
      const xb = upload(device, x, "x"), lb = upload(device, labels, "labels");
      const loss = model.forwardBackward(blocks, xb, lb, batch);
      const out = {
        model,
        loss: await device.read(loss, "f32"),
        params: await device.read(model.parameters, "f32"),
        grads: await device.read(model.gradients, "f32"),
      };
      device.release(loss);
      return out;
    };
    const c = await run(cpu);
    const params = Float64Array.from(c.params);
    const f = (p: Float64Array) => loss64(c.model, p, hb, x, labels, batch);
    assertClose([c.loss[0]!], [f(params)], "cpu loss", 1e-5, 1e-5);
    const r = rng(5);
    const at = c.model.slots().flatMap((s) =>
      Array.from({ length: 12 }, () => s.offset + Math.floor(r() * s.length))
    );
    const fd = finiteDifferences(f, params, at);
    assertClose(at.map((i) => c.grads[i]!), fd, "cpu gradient", 2e-5, 1e-3);
    if (gpu) {
      const g = await run(gpu);
      assert.deepEqual(g.params, c.params);
      assertClose(g.loss, c.loss, "webgpu loss", 1e-5, 1e-5);
      assertClose(g.grads, c.grads, "webgpu gradient", 1e-5, 1e-4);
    }
  });
});

async function train(
  device: Device,
  steps: number,
  opts: SageModelOptions,
  sizes: number[],
  lr: number,
) {
  const model = new SageModel(device, opts);
  const hb = hostBlocks(sizes, 5, 21);
  const blocks = hb.map((b) => uploadBlock(device, b));
  const x = randomFloats(sizes[0]! * model.inDim, 22);
  // Learnable: a seed's class is the argmax of its own first outDim features.
  const batch = sizes[sizes.length - 1]!;
  const labels = Int32Array.from({ length: batch }, (_, r) => {
    const row = Array.from(x.subarray(r * model.inDim, r * model.inDim + model.outDim));
    return row.indexOf(Math.max(...row));
  });
  const xb = upload(device, x, "x"), lb = upload(device, labels, "labels");
  const before = { ...device.stats };
  const losses: DeviceBuffer[] = [];
  const perStep: number[] = [];
  for (let s = 0; s < steps; s++) {
    const at = device.stats.submissions;
    losses.push(model.trainStep(blocks, xb, lb, batch, { lr }));
    perStep.push(device.stats.submissions - at);
  }
  const readbacks = device.stats.readbacks - before.readbacks;
  const values = await Promise.all(losses.map((l) => device.read(l, "f32")));
  return { losses: values.map((v) => v[0]!), perStep, readbacks };
}
type DeviceBuffer = ReturnType<Device["createBuffer"]>;

Deno.test("SageModel trains to the same losses on the CPU and WebGPU, one submission and no readback per step", async () => {
  await withDevices(async (cpu, gpu) => {
    const opts = { inDim: 12, hidden: 16, outDim: 5, numLayers: 3, dropout: 0.5, seed: 9 };
    const sizes = [300, 120, 40, 16];
    const c = await train(cpu, 4, opts, sizes, 0.01);
    assert.equal(c.readbacks, 0);
    if (gpu) {
      const g = await train(gpu, 4, opts, sizes, 0.01);
      assertClose(g.losses, c.losses, "webgpu losses", 1e-4, 1e-4);
      assert.equal(g.readbacks, 0);
      assert.deepEqual(g.perStep, [1, 1, 1, 1]);
    }
  });
});

Deno.test("SageModel's loss falls on a learnable toy task", async () => {
  await withDevices(async (cpu) => {
    const opts = { inDim: 8, hidden: 32, outDim: 3, numLayers: 2, dropout: 0, seed: 1 };
    const { losses } = await train(cpu, 60, opts, [200, 80, 40], 0.01);
    assert.ok(losses[59]! < 0.3 * losses[0]!, `loss went from ${losses[0]} to ${losses[59]}`);
  });
});

Deno.test("SageModel rejects blocks that do not chain", async () => {
  await withDevices((cpu) => {
    const model = new SageModel(cpu, { inDim: 2, hidden: 2, outDim: 2, numLayers: 2 });
    const blocks = hostBlocks([10, 5, 2], 2, 1).map((b) => uploadBlock(cpu, b));
    const wrong = [blocks[0]!, { ...blocks[1]!, numSrc: 4 }];
    const x = cpu.createBuffer(80, "x"), l = cpu.createBuffer(8, "l");
    assert.throws(
      () => model.trainStep(wrong, x, l, 2),
      /block 1 has 4 sources, expected block 0's 5 destinations/,
    );
    assert.throws(() => model.trainStep(blocks, x, l, 3), /batch is 3, expected 1..2/);
  });
});

Deno.test("SageModel: evaluating between training steps leaves later steps' dropout masks unchanged", async () => {
  await withDevices(async (cpu) => {
    const sizes = [60, 30, 12];
    const blocks = hostBlocks(sizes, 5, 70).map((b) => uploadBlock(cpu, b));
    const x = upload(cpu, randomFloats(60 * 8, 71), "x");
    const labels = upload(cpu, Int32Array.from({ length: 12 }, (_, i) => i % 3), "labels");
    const losses = async (evaluateBetween: boolean) => {
      const model = new SageModel(cpu, { inDim: 8, hidden: 16, outDim: 3, numLayers: 2, seed: 9 });
      const out: number[] = [];
      for (let step = 0; step < 3; step++) {
        if (evaluateBetween) cpu.release(model.predict(blocks, x));
        const loss = model.trainStep(blocks, x, labels, 12, { lr: 0.01 });
        out.push((await cpu.read(loss, "f32"))[0]!);
        cpu.release(loss);
      }
      model.destroy();
      return out;
    };
    assert.deepEqual(await losses(true), await losses(false));
  });
});
