import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { evaluateLinks } from "../../engine/evaluate_links.ts";
import { LinkMinibatchSource } from "../../engine/link_minibatch_source.ts";
import { linkMetrics } from "../../engine/link_metrics.ts";
import { linkTrainable } from "../../engine/link_trainable.ts";
import { randomLinkEdges } from "../../engine/random_link_edges.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { shuffled } from "../../engine/shuffle.ts";
import { trainEpoch } from "../../engine/train_epoch.ts";
import { plantedGraph, plantedSource } from "./_link_graph.ts";

// Four communities of 100 nodes, about 20 links inside for 2 outside, and
// features that are pure noise: only the graph tells which nodes belong
// together. The best a model that knows the communities can do on held-out
// edges against random pairs is an AUC near 0.83; a features-only model can
// only memorise nodes, which does not carry over to held-out edges.
const graph = plantedGraph({
  communities: 4,
  size: 100,
  inside: 20,
  outside: 2,
  dim: 16,
  signal: 0,
  testShare: 0.1,
  seed: 3,
});

/** Test AUC after `epochs` of link training with `fanouts` (zeros: the features-only MLP). */
async function trainedAuc(fanouts: number[], epochs: number) {
  const device = new CpuDevice({ threads: 1, notice: () => {} });
  const { source, release } = plantedSource(device, graph, fanouts);
  const model = new SageModel(device, {
    inDim: graph.dim,
    hidden: 32,
    outDim: 32,
    numLayers: 2,
    dropout: 0,
    seed: 1,
  });
  try {
    const links = new LinkMinibatchSource(device, source, graph.train, {
      numNodes: graph.numNodes,
    });
    const trainable = linkTrainable(model, 0.01);
    const ids = Int32Array.from(graph.train.source, (_, i) => i);
    const reports = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const seeds = shuffled(ids, 11 + epoch);
      reports.push(
        await trainEpoch({
          device,
          model: trainable,
          source: links,
          seeds,
          batchSize: 128,
          seed: epoch,
        }),
      );
    }
    const negative = randomLinkEdges(graph.numNodes, graph.test.source.length, 99);
    const scores = await evaluateLinks(
      device,
      trainable,
      source,
      {
        positive: graph.test,
        negative,
      },
      256,
      5,
    );
    return { metrics: linkMetrics(scores), reports };
  } finally {
    model.destroy();
    release();
    device.destroy();
  }
}

Deno.test("link prediction with GraphSAGE clearly beats the features-only model and chance on planted communities", async () => {
  const sage = await trainedAuc([10, 10], 8);
  const mlp = await trainedAuc([0, 0], 8);
  const n = graph.train.source.length;
  for (const r of sage.reports) {
    // Every training edge once per epoch.
    assert.equal(r.seeds, n);
    assert.equal(r.seedSum, n * (n - 1) / 2);
  }
  const first = sage.reports[0]!, last = sage.reports.at(-1)!;
  assert.ok(last.loss < first.loss - 0.05, `the loss falls: ${first.loss} -> ${last.loss}`);
  // About 400 test edges: an AUC's spread by chance is about 0.02.
  const a = sage.metrics.auc, b = mlp.metrics.auc;
  assert.ok(a > 0.72, `GraphSAGE's test AUC ${a} is well above chance (0.5)`);
  assert.ok(b < 0.64, `the features-only model's test AUC ${b} stays near chance`);
  assert.ok(a - b > 0.12, `GraphSAGE ${a} beats the features-only model ${b} by a margin`);
});
