import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { evaluateLinks } from "../../engine/evaluate_links.ts";
import type { LinkEdges } from "../../engine/link_split.ts";
import { linkTrainable } from "../../engine/link_trainable.ts";
import { randomLinkEdges } from "../../engine/random_link_edges.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { sampledLogits } from "../../engine/sampled_logits.ts";
import { plantedGraph, plantedSource } from "./_link_graph.ts";

const graph = plantedGraph({
  communities: 3,
  size: 30,
  inside: 8,
  outside: 2,
  dim: 6,
  signal: 1,
  testShare: 0.2,
  seed: 9,
});

const slice = (e: LinkEdges, lo: number, hi: number): LinkEdges => ({
  source: e.source.subarray(lo, hi),
  target: e.target.subarray(lo, hi),
});

Deno.test("evaluateLinks() scores shares of the edges as it scores them all (full fan-outs), each the dot product of the endpoints' embeddings", async () => {
  const device = new CpuDevice({ threads: 1, notice: () => {} });
  const { source, release } = plantedSource(device, graph, [64, 64]);
  const model = new SageModel(device, { inDim: 6, hidden: 8, outDim: 5, numLayers: 2, seed: 3 });
  try {
    const trainable = linkTrainable(model, 0.01);
    const positive = graph.test, m = positive.source.length;
    const negative = randomLinkEdges(graph.numNodes, m, 4);
    const all = await evaluateLinks(device, trainable, source, { positive, negative }, 16, 1);
    const half = Math.floor(m / 2);
    const shares = [];
    for (const [lo, hi] of [[0, half], [half, m]] as const) {
      shares.push(
        await evaluateLinks(
          device,
          trainable,
          source,
          {
            positive: slice(positive, lo, hi),
            // A rank's own share of the negatives, drawn by index.
            negative: randomLinkEdges(graph.numNodes, hi - lo, 4, lo),
          },
          16,
          7,
        ),
      );
    }
    assert.deepEqual([...shares[0]!.positive, ...shares[1]!.positive], [...all.positive]);
    assert.deepEqual([...shares[0]!.negative, ...shares[1]!.negative], [...all.negative]);
    // An edge scored alone scores as in the whole list.
    const ids = new Int32Array([positive.source[0]!, positive.target[0]!]);
    const emb = await evaluateLinks(
      device,
      trainable,
      source,
      {
        positive: { source: ids.subarray(0, 1), target: ids.subarray(1) },
        negative: { source: new Int32Array(0), target: new Int32Array(0) },
      },
      16,
      1,
    );
    assert.equal(emb.positive[0], all.positive[0]);
    // And it is the dot product of the endpoints' embeddings.
    const h = await sampledLogits(device, trainable, source, ids, 16, 1);
    let dot = 0;
    for (let k = 0; k < 5; k++) dot += h[k]! * h[5 + k]!;
    assert.ok(Math.abs(dot - all.positive[0]!) < 1e-5, `${dot} vs ${all.positive[0]}`);
    assert.ok(all.positive.every(Number.isFinite) && all.negative.every(Number.isFinite));
    await assert.rejects(
      evaluateLinks(
        device,
        trainable,
        source,
        {
          positive: { source: new Int32Array(2), target: new Int32Array(1) },
          negative,
        },
        16,
        1,
      ),
      /2 sources and 1 targets/,
    );
  } finally {
    model.destroy();
    release();
    device.destroy();
  }
});
