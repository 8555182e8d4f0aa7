// A link-prediction training step against a node-classification step in
// one run, on the same graph, model shape and node count: a node minibatch
// of `--batch` seeds, and a link minibatch of `--batch / 4` training edges
// with as many binary negatives (up to `--batch` endpoints). Each row is the
// median over `--rounds` minibatches after one warm-up: preparing the
// minibatch (sampling and feature gather; for links also the negatives, the
// target and the exclusion of the minibatch's own edges from its blocks),
// and the step (forward, loss, backward, Adam, loss read back).
//
//   deno run -A bench/link_step_report.ts [--scale=0.02] [--batch=1024] [--rounds=5] [--json=path]
import { parseArgs } from "node:util";
import { CpuDevice } from "../engine/cpu_device.ts";
import { DeviceGraph } from "../engine/device_graph.ts";
import { DeviceTable } from "../engine/device_table.ts";
import { LinkMinibatchSource } from "../engine/link_minibatch_source.ts";
import { linkTrainable } from "../engine/link_trainable.ts";
import { LocalFeatureStore } from "../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../engine/local_minibatch_source.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import type { MinibatchSource, PreparedMinibatch } from "../engine/minibatch_source.ts";
import { SageModel } from "../engine/sage_model.ts";
import { sageTrainable } from "../engine/sage_trainable.ts";
import type { Trainable } from "../engine/train_epoch.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { BenchReport } from "./_report.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    scale: { type: "string", default: "0.02" },
    batch: { type: "string", default: "1024" },
    rounds: { type: "string", default: "5" },
    json: { type: "string" },
  },
});
const scale = Number(values.scale), batch = Number(values.batch), rounds = Number(values.rounds);
const FANOUTS = [15, 10, 5];
const data = generateSynthetic({ scale, seed: 0, quiet: true });
const n = data.graph.numNodes;
// Training edges: one random neighbour of each training node.
const train = data.split.train;
const source = new Int32Array(train.length), target = new Int32Array(train.length);
train.forEach((v, i) => {
  const lo = data.graph.indptr[v]!, deg = data.graph.indptr[v + 1]! - lo;
  source[i] = v;
  target[i] = deg > 0 ? data.graph.indices[lo + ((i * 7919) % deg)]! : (v + 1) % n;
});
const device = new CpuDevice();
const report = new BenchReport({ scale, batch, rounds, nodes: n, fanouts: FANOUTS.join(",") });
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  const graph = DeviceGraph.upload(device, data.graph);
  const table = DeviceTable.upload(device, data.features, data.featureDim, "features");
  const sampler = new LocalSampler(device, graph, FANOUTS);
  const nodes = new LocalMinibatchSource(device, sampler, new LocalFeatureStore(device, table));
  const links = new LinkMinibatchSource(device, nodes, { source, target }, { numNodes: n });
  const shape = { inDim: data.featureDim, hidden: 256, outDim: data.numClasses };
  const nodeModel = new SageModel(device, shape), linkModel = new SageModel(device, shape);
  const labelOf = (id: number) => data.labels[id]!;
  const cases: {
    name: string;
    from: MinibatchSource;
    model: Trainable;
    size: number;
  }[] = [
    {
      name: "node classification",
      from: nodes,
      model: sageTrainable(nodeModel, 0.003),
      size: batch,
    },
    {
      name: "link prediction",
      from: links,
      model: linkTrainable(linkModel, 0.003),
      size: batch / 4,
    },
  ];
  // Rounds alternate between the cases, so that both see the same machine.
  const seen = cases.map(() => ({ prepareMs: [] as number[], stepMs: [] as number[], note: "" }));
  for (let r = 0; r <= rounds; r++) {
    for (const [k, c] of cases.entries()) {
      const isLink = c.from === links;
      const seeds = Int32Array.from({ length: c.size }, (_, i) => {
        const at = (r * c.size + i * 7) % train.length;
        return isLink ? at : train[at]!;
      });
      let t = performance.now();
      const mb: PreparedMinibatch = await c.from.next(seeds, r + 1);
      await device.read(mb.inputs, "f32", 0, 1);
      const prep = performance.now() - t;
      const labels = device.createBuffer(seeds.length * 4, "labels");
      device.write(labels, Int32Array.from(seeds, labelOf));
      const tgt = mb.target?.buffer ?? labels, count = mb.target?.count ?? seeds.length;
      t = performance.now();
      const loss = c.model.trainStep(mb.blocks, mb.inputs, tgt, count);
      await device.read(loss, "f32");
      const step = performance.now() - t;
      device.release(loss);
      device.release(labels);
      if (r > 0) {
        seen[k]!.prepareMs.push(prep);
        seen[k]!.stepMs.push(step);
        const edges = mb.blocks.reduce((s, b) => s + b.numEdges, 0);
        seen[k]!.note = `${mb.blocks.at(-1)!.numDst} output rows, ${count} ` +
          `${isLink ? "pairs" : "seeds"}, ${edges} edges, ${mb.numInput} inputs`;
      }
      mb.release();
    }
  }
  for (const [k, c] of cases.entries()) {
    const { prepareMs, stepMs, note } = seen[k]!;
    const of = k > 0 ? [cases[0]!.name] : [];
    report.add({
      section: "prepare a minibatch",
      name: c.name,
      value: median(prepareMs),
      unit: "ms",
      note,
      samples: prepareMs,
    }, ...of);
    report.add({
      section: "training step",
      name: c.name,
      value: median(stepMs),
      unit: "ms",
      note,
      samples: stepMs,
    }, ...of);
  }
  nodeModel.destroy();
  linkModel.destroy();
  sampler.release();
  graph.release();
  table.release();
} finally {
  device.destroy();
}
console.log(report.table());
if (values.json) await report.writeJson(values.json);
