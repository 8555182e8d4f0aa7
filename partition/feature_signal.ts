import type { NodeDataset } from "../engine/dataset.ts";

/**
 * Result of {@linkcode featureSignal}: test accuracies of two cheap classifiers.
 *
 * @example
 * ```ts
 * import { featureSignal } from "./feature_signal.ts";
 * import { generateSynthetic } from "./synthetic.ts";
 * const signal = featureSignal(generateSynthetic({ scale: 0.0001, seed: 1, quiet: true }));
 * console.assert(signal.evaluated > 0 && signal.raw >= 0 && signal.raw <= 1);
 * ```
 */
export interface FeatureSignal {
  /** Nearest-class-mean accuracy on each node's own features (an MLP proxy). */
  readonly raw: number;
  /** The same on features mean-aggregated over the node and its neighbours (a GNN proxy). */
  readonly aggregated: number;
  /** Number of test nodes evaluated. */
  readonly evaluated: number;
}

/**
 * Measures how much a dataset rewards neighbour aggregation, cheaply: class
 * means are estimated on the training nodes, then test nodes are classified
 * by the nearest class mean (Euclidean), once on their raw features and once
 * on the mean of their own and their neighbours' features (both class means
 * and test vectors are aggregated the same way). A large gap means a GNN
 * should clearly beat an MLP. At most `maxTest` test nodes are evaluated.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { featureSignal } from "./feature_signal.ts";
 * const s = featureSignal(generateSynthetic({ scale: 0.001, quiet: true }));
 * console.log(s.aggregated > s.raw); // true
 * ```
 */
export function featureSignal(
  dataset: NodeDataset,
  maxTest = 50_000,
): FeatureSignal {
  const { featureDim: f, numClasses: k, labels } = dataset;
  const train = dataset.split.train;
  const test = dataset.split.test.subarray(
    0,
    Math.min(maxTest, dataset.split.test.length),
  );
  const rawAcc = accuracy(dataset, train, test, k, f, labels, false);
  const aggAcc = accuracy(dataset, train, test, k, f, labels, true);
  return { raw: rawAcc, aggregated: aggAcc, evaluated: test.length };
}

function vector(
  d: NodeDataset,
  v: number,
  aggregate: boolean,
  out: Float64Array,
): void {
  const f = d.featureDim;
  out.fill(0);
  const { indptr, indices } = d.graph;
  const a = aggregate ? indptr[v]! : 0;
  const b = aggregate ? indptr[v + 1]! : 0;
  for (let j = 0; j < f; j++) out[j] = d.features[v * f + j]!;
  for (let i = a; i < b; i++) {
    const base = indices[i]! * f;
    for (let j = 0; j < f; j++) out[j]! += d.features[base + j]!;
  }
  const scale = 1 / (1 + b - a);
  for (let j = 0; j < f; j++) out[j]! *= scale;
}

function accuracy(
  d: NodeDataset,
  train: Int32Array,
  test: Int32Array,
  k: number,
  f: number,
  labels: Int32Array,
  aggregate: boolean,
): number {
  const sums = new Float64Array(k * f);
  const counts = new Float64Array(k);
  const x = new Float64Array(f);
  for (const v of train) {
    const y = labels[v]!;
    if (y < 0) continue;
    vector(d, v, aggregate, x);
    counts[y]!++;
    for (let j = 0; j < f; j++) sums[y * f + j]! += x[j]!;
  }
  for (let y = 0; y < k; y++) {
    const c = counts[y]!;
    for (let j = 0; j < f; j++) {
      sums[y * f + j] = c > 0 ? sums[y * f + j]! / c : Infinity;
    }
  }
  let right = 0;
  let total = 0;
  for (const v of test) {
    const truth = labels[v]!;
    if (truth < 0) continue;
    vector(d, v, aggregate, x);
    let best = -1;
    let bestDist = Infinity;
    for (let y = 0; y < k; y++) {
      let dist = 0;
      for (let j = 0; j < f; j++) {
        const t = x[j]! - sums[y * f + j]!;
        dist += t * t;
      }
      if (dist < bestDist) {
        bestDist = dist;
        best = y;
      }
    }
    total++;
    if (best === truth) right++;
  }
  return total > 0 ? right / total : 0;
}
