// Test-set evaluation on one node: GLT's sampled inference over every test
// node against DGL's layer-wise inference (every layer once over all nodes),
// on the same synthetic graph and model, with the sampled run's time split
// per minibatch (sampling, feature gather, forward).
//
//   deno run -A bench/eval_report.ts [--scale=0.05] [--batch=2048] [--json=path]
import { parseArgs } from "node:util";
import { CpuDevice } from "../engine/cpu_device.ts";
import { DeviceGraph } from "../engine/device_graph.ts";
import { DeviceTable } from "../engine/device_table.ts";
import { evaluate } from "../engine/evaluate.ts";
import { evaluateLayerwise } from "../engine/layerwise_inference.ts";
import { gatherRows } from "../engine/gather_rows.ts";
import { LocalFeatureStore } from "../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../engine/local_minibatch_source.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import { SageModel } from "../engine/sage_model.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { BenchReport } from "./_report.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    scale: { type: "string", default: "0.05" },
    batch: { type: "string", default: "2048" },
    json: { type: "string" },
  },
});
const scale = Number(values.scale), batch = Number(values.batch);
const data = generateSynthetic({ scale, seed: 0, quiet: true });
const device = new CpuDevice();
const report = new BenchReport({ scale, batch, nodes: data.graph.numNodes });
try {
  const graph = DeviceGraph.upload(device, data.graph);
  const table = DeviceTable.upload(device, data.features, data.featureDim, "features");
  const model = new SageModel(device, { inDim: data.featureDim, outDim: data.numClasses });
  const sampler = new LocalSampler(device, graph, [15, 10, 5]);
  const test = data.split.test, labelOf = (id: number) => data.labels[id]!;
  const section = `test accuracy over ${test.length} nodes`;

  let t = performance.now();
  const sampled = await evaluate(
    device,
    { numClasses: model.outDim, predict: (blocks, inputs) => model.predict(blocks, inputs) },
    new LocalMinibatchSource(device, sampler, new LocalFeatureStore(device, table)),
    test,
    labelOf,
    batch,
    1,
  );
  const sampledS = (performance.now() - t) / 1000;
  t = performance.now();
  const only = table.chunks[0]!.buffer;
  const layerwise = await evaluateLayerwise(device, model, data.graph, only, test, labelOf);
  const layerwiseS = (performance.now() - t) / 1000;
  const note = (a: { correct: number; total: number }) =>
    `accuracy ${(a.correct / a.total).toFixed(4)} (untrained)`;
  report.add({
    section,
    name: "sampled inference (GLT)",
    value: sampledS,
    unit: "s",
    note: note(sampled),
  });
  report.add(
    {
      section,
      name: "layer-wise inference (DGL)",
      value: layerwiseS,
      unit: "s",
      note: note(layerwise),
    },
    "sampled inference (GLT)",
  );

  // One sampled minibatch, phase by phase (the second, after a warm-up).
  const split = `one sampled minibatch of ${batch} seeds`;
  for (let i = 0; i < 2; i++) {
    const seeds = test.subarray(i * batch, (i + 1) * batch);
    t = performance.now();
    const mb = await sampler.sample(seeds, 7 + i);
    const sampleMs = performance.now() - t;
    t = performance.now();
    const inputs = device.createBuffer(mb.numInput * data.featureDim * 4, "inputs");
    gatherRows(device, table, mb.inputNodes, inputs, mb.numInput);
    const gatherMs = performance.now() - t;
    t = performance.now();
    const logits = model.predict(mb.blocks, inputs);
    await device.read(logits, "f32", 0, 1);
    const forwardMs = performance.now() - t;
    if (i === 1) {
      report.add({ section: split, name: "sampling", value: sampleMs, unit: "ms" });
      report.add({
        section: split,
        name: "feature gather",
        value: gatherMs,
        unit: "ms",
        note: `${mb.numInput} input rows`,
      });
      report.add({ section: split, name: "forward", value: forwardMs, unit: "ms" });
    }
    for (const b of [logits, inputs]) device.release(b);
    mb.release();
  }
  model.destroy();
  graph.release();
  table.release();
} finally {
  device.destroy();
}
console.log(report.table());
if (values.json) await report.writeJson(values.json);
