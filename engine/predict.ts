import { countCorrect } from "./_util.ts";
import { lastLayerOutputs } from "./_model_outputs.ts";
import type { NodeDataset } from "./dataset.ts";
import type { Accuracy } from "./evaluate.ts";
import type { PredictOptions } from "./predict_options.ts";
import { checkModelFits, type TrainedModel } from "./trained_model.ts";

/**
 * What {@linkcode predict} returns.
 *
 * @example
 * ```ts
 * import type { Predictions } from "./predict.ts";
 * const first = (p: Predictions) => `node ${p.nodes[0]}: class ${p.classes[0]}`;
 * ```
 */
export interface Predictions {
  /** The nodes predicted, in order. */
  readonly nodes: Int32Array;
  /** The most likely class of each node. */
  readonly classes: Int32Array;
  /** Softmax of the logits, `nodes.length x numClasses`, row-major. */
  readonly probabilities: Float32Array;
  /** Classes of the model: the width of a probability row. */
  readonly numClasses: number;
  /** Right predictions among the predicted nodes that are in the dataset's test split. */
  readonly test: Accuracy;
}

/**
 * Predicts the class of every node of `dataset` (or of `options.nodes`) with
 * a trained model: GraphSAGE is inductive, so the graph need not be the one
 * it was trained on, only its feature width must match (and its labels be
 * among the model's classes), else a `RangeError` names both. Reports the
 * accuracy on the test nodes among those predicted.
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "./trained_model.ts";
 * import { predict } from "./predict.ts";
 * const p = await predict(await loadModel("sage.safetensors"), dataset, { nodes: [0, 5] });
 * console.log(p.classes, p.test);
 * ```
 */
export async function predict(
  trained: TrainedModel,
  dataset: NodeDataset,
  options: PredictOptions = {},
): Promise<Predictions> {
  checkModelFits(trained.shape, dataset);
  const { nodes, outputs } = await lastLayerOutputs(trained, dataset, options);
  return summarise(nodes, outputs, trained.shape.outDim, dataset);
}

/** Classes, probabilities and test accuracy from the logits of `nodes`. */
function summarise(
  nodes: Int32Array,
  logits: Float32Array,
  c: number,
  dataset: NodeDataset,
): Predictions {
  const classes = new Int32Array(nodes.length);
  const probabilities = new Float32Array(logits.length);
  for (let i = 0; i < nodes.length; i++) {
    const row = logits.subarray(i * c, (i + 1) * c);
    let best = 0;
    for (let k = 1; k < c; k++) if (row[k]! > row[best]!) best = k;
    classes[i] = best;
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(row[k]! - row[best]!);
    for (let k = 0; k < c; k++) probabilities[i * c + k] = Math.exp(row[k]! - row[best]!) / sum;
  }
  const isTest = new Uint8Array(dataset.graph.numNodes);
  for (const v of dataset.split.test) isTest[v] = 1;
  const rows: number[] = [];
  nodes.forEach((v, i) => {
    if (isTest[v] && dataset.labels[v]! >= 0) rows.push(i);
  });
  const testNodes = Int32Array.from(rows, (i) => nodes[i]!);
  const correct = countCorrect(testNodes, logits, c, (v) => dataset.labels[v]!, (j) => rows[j]!);
  return { nodes, classes, probabilities, numClasses: c, test: { correct, total: rows.length } };
}
