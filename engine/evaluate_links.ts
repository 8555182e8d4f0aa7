import type { Device } from "./device.ts";
import type { Predictor } from "./evaluate.ts";
import type { LinkScores } from "./link_metrics.ts";
import type { LinkEdges } from "./link_split.ts";
import type { MinibatchSource } from "./minibatch_source.ts";
import { sampledLogits } from "./sampled_logits.ts";

/**
 * Scores of link-prediction edges by sampled inference (GLT's and PyG's
 * evaluation: the training fan-outs, nothing excluded): the embeddings of
 * every endpoint of `positive` and `negative` (each node once, `batchSize`
 * nodes per minibatch from the node `source`, `seed` for the sampling), then
 * each edge's dot product. A rank may score a share of the edges; the
 * shares' scores, gathered, give `linkMetrics` the figures of all.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { evaluateLinks } from "./evaluate_links.ts";
 * import { linkTrainable } from "./link_trainable.ts";
 * import { LocalFeatureStore } from "./local_feature_store.ts";
 * import { LocalMinibatchSource } from "./local_minibatch_source.ts";
 * import { LocalSampler } from "./local_sampler.ts";
 * import { SageModel } from "./sage_model.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const graph = DeviceGraph.upload(device, csrFromEdges(3, new Int32Array([0, 1]), new Int32Array([1, 0])));
 * const table = DeviceTable.upload(device, new Float32Array([1, 0, 0, 1, 1, 1]), 2, "x");
 * const source = new LocalMinibatchSource(device, new LocalSampler(device, graph, [2]), new LocalFeatureStore(device, table));
 * const model = new SageModel(device, { inDim: 2, hidden: 4, outDim: 8, numLayers: 1 });
 * const scores = await evaluateLinks(device, linkTrainable(model, 0.01), source, {
 *   positive: { source: new Int32Array([0]), target: new Int32Array([1]) },
 *   negative: { source: new Int32Array([0, 2]), target: new Int32Array([2, 1]) },
 * }, 64, 0);
 * console.log(scores.positive.length, scores.negative.length); // 1 2
 * model.destroy();
 * graph.release();
 * table.release();
 * device.destroy();
 * ```
 */
export async function evaluateLinks(
  device: Device,
  model: Predictor,
  source: MinibatchSource,
  edges: { readonly positive: LinkEdges; readonly negative: LinkEdges },
  batchSize: number,
  seed: number,
  onBatch?: (done: number) => void,
): Promise<LinkScores> {
  const lists = [edges.positive, edges.negative];
  const rowOf = new Map<number, number>();
  const nodes: number[] = [];
  for (const e of lists) {
    if (e.source.length !== e.target.length) {
      throw new RangeError(
        `evaluateLinks: ${e.source.length} sources and ${e.target.length} targets`,
      );
    }
    for (const ids of [e.source, e.target]) {
      for (const v of ids) {
        if (!rowOf.has(v)) {
          rowOf.set(v, nodes.length);
          nodes.push(v);
        }
      }
    }
  }
  const dim = model.numClasses;
  const emb = await sampledLogits(
    device,
    model,
    source,
    Int32Array.from(nodes),
    batchSize,
    seed,
    onBatch,
  );
  const score = (e: LinkEdges) =>
    Float32Array.from(e.source, (s, i) => {
      const a = rowOf.get(s)! * dim, b = rowOf.get(e.target[i]!)! * dim;
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += emb[a + k]! * emb[b + k]!;
      return dot;
    });
  return { positive: score(edges.positive), negative: score(edges.negative) };
}
