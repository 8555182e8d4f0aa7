import type { Device, DeviceBuffer } from "./device.ts";
import type { CsrGraph } from "./graph.ts";
import type { Accuracy } from "./evaluate.ts";
import type { SageModel } from "./sage_model.ts";
import { countCorrect } from "./_util.ts";

/** Destination rows per chunk of a layer, at most (see `layerwiseLogits`). */
const CHUNK_ROWS = 65_536;

/**
 * DGL-style layer-wise inference: every layer once over ALL nodes with
 * their full neighbourhoods (no sampling), in chunks of destination rows,
 * each layer's output kept on the host and uploaded whole as the next
 * layer's input. Returns the logits of every node, `numNodes x outDim`.
 *
 * Sampled inference recomputes the lower layers of every node once per
 * test seed whose sampled tree reaches it; this computes each once, so it
 * is far cheaper on large graphs and uses every neighbour. `inputs` holds
 * the `numNodes x inDim` features on the device (in one binding); a layer
 * whose input passes the device's binding limit is a `RangeError` naming it.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { layerwiseLogits } from "./layerwise_inference.ts";
 * import { SageModel } from "./sage_model.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const graph = { numNodes: 2, indptr: new Int32Array([0, 1, 2]), indices: new Int32Array([1, 0]) };
 * const inputs = device.createBuffer(2 * 2 * 4, "features");
 * device.write(inputs, new Float32Array([1, 0, 0, 1]));
 * const model = new SageModel(device, { inDim: 2, hidden: 4, outDim: 3, numLayers: 2 });
 * const logits = await layerwiseLogits(device, model, graph, inputs);
 * console.log(logits.length); // 6
 * model.destroy();
 * device.destroy();
 * ```
 */
export async function layerwiseLogits(
  device: Device,
  model: SageModel,
  graph: CsrGraph,
  inputs: DeviceBuffer,
  chunkRows = defaultChunkRows(device, model),
): Promise<Float32Array> {
  const n = graph.numNodes;
  let h = inputs;
  let out = new Float32Array(0);
  for (let l = 0; l < model.numLayers; l++) {
    const width = l === model.numLayers - 1 ? model.outDim : model.hidden;
    out = new Float32Array(n * width);
    for (let c0 = 0; c0 < n; c0 += chunkRows) {
      const c1 = Math.min(n, c0 + chunkRows);
      const e0 = graph.indptr[c0]!, e1 = graph.indptr[c1]!;
      const indptr = upload(device, graph.indptr.subarray(c0, c1 + 1).map((e) => e - e0), "indptr");
      const indices = upload(device, graph.indices.subarray(e0, e1), "indices");
      const block = { numDst: c1 - c0, numSrc: n, numEdges: e1 - e0, indptr, indices };
      const y = model.inferLayer(l, block, h, c0);
      out.set(await device.read(y, "f32", 0, (c1 - c0) * width), c0 * width);
      for (const b of [y, indptr, indices]) device.release(b);
    }
    if (h !== inputs) device.release(h);
    if (l + 1 < model.numLayers) h = uploadLayer(device, out, l + 1);
  }
  return out;
}

/**
 * Test accuracy from layer-wise inference (`layerwiseLogits`): every
 * node's logits computed once with full neighbourhoods, then counted at
 * `ids`. `inputs` holds the whole feature table in one binding.
 *
 * @example
 * ```ts ignore
 * import { evaluateLayerwise } from "./layerwise_inference.ts";
 * const acc = await evaluateLayerwise(device, model, graph, features, testIds, (id) => labels[id]!);
 * ```
 */
export async function evaluateLayerwise(
  device: Device,
  model: SageModel,
  graph: CsrGraph,
  inputs: DeviceBuffer,
  ids: Int32Array,
  labelOf: (id: number) => number,
): Promise<Accuracy> {
  return (await evaluateLayerwiseSplits(device, model, graph, inputs, [ids], labelOf))[0]!;
}

/**
 * The accuracy of each of several id lists (validation and test, say) from
 * ONE layer-wise inference pass.
 *
 * @example
 * ```ts ignore
 * import { evaluateLayerwiseSplits } from "./layerwise_inference.ts";
 * const [valid, test] = await evaluateLayerwiseSplits(device, model, graph, features, [validIds, testIds], labelOf);
 * ```
 */
export async function evaluateLayerwiseSplits(
  device: Device,
  model: SageModel,
  graph: CsrGraph,
  inputs: DeviceBuffer,
  splits: readonly Int32Array[],
  labelOf: (id: number) => number,
): Promise<Accuracy[]> {
  const logits = await layerwiseLogits(device, model, graph, inputs);
  return splits.map((ids) => ({
    correct: countCorrect(ids, logits, model.outDim, labelOf, (i) => ids[i]!),
    total: ids.length,
  }));
}

/** CHUNK_ROWS, or fewer so that a chunk's `[h_dst | mean]` rows (with the model's slack) fit one binding. */
function defaultChunkRows(device: Device, model: SageModel): number {
  const catRowBytes = 2 * Math.max(model.inDim, model.hidden) * 4;
  return Math.max(
    1,
    Math.min(CHUNK_ROWS, Math.floor(device.maxBindingBytes / (1.25 * catRowBytes))),
  );
}

function upload(device: Device, data: Int32Array, what: string): DeviceBuffer {
  const b = device.createBuffer(Math.max(4, data.byteLength), `layer-wise ${what}`);
  if (data.length > 0) device.write(b, data);
  return b;
}

function uploadLayer(device: Device, h: Float32Array, l: number): DeviceBuffer {
  if (h.byteLength > device.maxBindingBytes) {
    throw new RangeError(
      `layer-wise inference: the input of layer ${l} is ${h.byteLength} bytes, over the device's ` +
        `${device.maxBindingBytes}-byte binding limit; use sampled evaluation`,
    );
  }
  const b = device.createBuffer(h.byteLength, `layer-wise input of layer ${l}`);
  device.write(b, h);
  return b;
}
