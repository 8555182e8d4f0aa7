// Shared set-up of the training-step benchmark and report: sampled
// minibatches with their gathered features and labels, and one timed step.
import type { Device, DeviceBuffer } from "../engine/device.ts";
import { DeviceGraph } from "../engine/device_graph.ts";
import { DeviceTable } from "../engine/device_table.ts";
import { gatherRows } from "../engine/gather_rows.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import type { MiniBatch } from "../engine/sample_blocks.ts";
import type { SageModel } from "../engine/sage_model.ts";
import type { NodeDataset } from "../engine/dataset.ts";

/** One prepared minibatch: blocks, gathered input features and seed labels. */
export interface Prepared {
  readonly batch: MiniBatch;
  readonly inputs: DeviceBuffer;
  readonly labels: DeviceBuffer;
  readonly seeds: number;
}

/**
 * Samples `count` minibatches of `batchSize` training seeds (consecutive
 * slices of the training split), gathers their input features and writes
 * their labels, all on `device`; `release` frees them with the graph and table.
 */
export async function prepareSteps(
  device: Device,
  dataset: NodeDataset,
  fanouts: readonly number[],
  batchSize: number,
  count: number,
): Promise<{ items: Prepared[]; release: () => void }> {
  const graph = DeviceGraph.upload(device, dataset.graph);
  const table = DeviceTable.upload(device, dataset.features, dataset.featureDim, "features");
  const sampler = new LocalSampler(device, graph, fanouts);
  const train = dataset.split.train;
  const items: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const start = (i * batchSize) % Math.max(1, train.length - batchSize);
    const seeds = train.slice(start, start + batchSize);
    const batch = await sampler.sample(seeds, i + 1);
    const inputs = device.createBuffer(batch.numInput * dataset.featureDim * 4, "inputs");
    gatherRows(device, table, batch.inputNodes, inputs, batch.numInput);
    const labels = device.createBuffer(seeds.length * 4, "labels");
    device.write(labels, Int32Array.from(seeds, (v) => dataset.labels[v]!));
    items.push({ batch, inputs, labels, seeds: seeds.length });
  }
  await device.read(items[items.length - 1]!.labels, "i32", 0, 1);
  return {
    items,
    release: () => {
      for (const p of items) {
        p.batch.release();
        device.release(p.inputs);
        device.release(p.labels);
      }
      graph.release();
      table.release();
    },
  };
}

/** Runs one timed step, reading the loss, and returns its wall time in ms. */
export async function timedStep(device: Device, model: SageModel, p: Prepared): Promise<number> {
  const t = performance.now();
  const loss = model.trainStep(p.batch.blocks, p.inputs, p.labels, p.seeds, { lr: 0.003 });
  await device.read(loss, "f32");
  const ms = performance.now() - t;
  device.release(loss);
  return ms;
}
