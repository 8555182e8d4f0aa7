import type { NodeDataset } from "../engine/dataset.ts";
import { Sfc32 } from "./_util.ts";

/**
 * Balanced random partition assignment: training nodes and all other nodes
 * are each shuffled and dealt round-robin, so every partition gets the same
 * number of nodes and of training seeds (to within one).
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { assignRandom } from "./assign_random.ts";
 * const ds = generateSynthetic({ scale: 0.001, quiet: true });
 * const part = assignRandom(ds, 2, 0);
 * console.log(part.length === ds.graph.numNodes); // true
 * ```
 */
export function assignRandom(
  dataset: NodeDataset,
  numPartitions: number,
  seed: number,
): Int32Array {
  const n = dataset.graph.numNodes;
  const rng = new Sfc32(seed, 11);
  const isTrain = new Uint8Array(n);
  for (const v of dataset.split.train) isTrain[v] = 1;
  const order = new Int32Array(n);
  for (let v = 0; v < n; v++) order[v] = v;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const part = new Int32Array(n);
  let nextTrain = 0;
  let nextOther = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    if (isTrain[v]) part[v] = nextTrain++ % numPartitions;
    else part[v] = nextOther++ % numPartitions;
  }
  return part;
}
