import type { NodeDataset } from "../engine/dataset.ts";
import type { Progress } from "./_util.ts";

/**
 * Options of {@linkcode assignLocality}.
 *
 * @example
 * ```ts
 * import type { LocalityOptions } from "./assign_locality.ts";
 * const quick: LocalityOptions = { passes: 2, slack: 0.05 };
 * ```
 */
export interface LocalityOptions {
  /** Streaming passes (the first is plain LDG, the rest restream). */
  readonly passes?: number;
  /** Allowed imbalance on nodes and training seeds, e.g. 0.03 for 3%. */
  readonly slack?: number;
  /** Reports each pass over the nodes, as phase `locality (LDG)`; none by default. */
  readonly progress?: Progress;
}

/**
 * Locality-aware assignment by restreaming Linear Deterministic Greedy (LDG):
 * nodes are streamed in id order and each goes to the partition holding most
 * of its already-placed neighbours, weighted by `1 - load / capacity`; later
 * passes re-place every node knowing all neighbours' previous places, which
 * converges toward community-sized blocks. Node counts and training-seed
 * counts are both kept under `(1 + slack) x` their mean by hard capacities.
 * Linear time per pass and O(nodes) memory.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { assignLocality } from "./assign_locality.ts";
 * const ds = generateSynthetic({ scale: 0.001, quiet: true });
 * const part = assignLocality(ds, 2);
 * console.log(part.length === ds.graph.numNodes); // true
 * ```
 */
export function assignLocality(
  dataset: NodeDataset,
  numPartitions: number,
  options: LocalityOptions = {},
): Int32Array {
  const { graph } = dataset;
  const { numNodes: n, indptr, indices } = graph;
  const p = numPartitions;
  const passes = options.passes ?? 8;
  const slack = options.slack ?? 0.03;
  const isTrain = new Uint8Array(n);
  for (const v of dataset.split.train) isTrain[v] = 1;
  const numTrain = dataset.split.train.length;
  const capNodes = Math.ceil((n / p) * (1 + slack));
  const capTrain = Math.ceil((numTrain / p) * (1 + slack));
  const load = new Float64Array(p);
  const trainLoad = new Float64Array(p);
  const part = new Int32Array(n).fill(-1);
  const score = new Float64Array(p);
  const progress = options.progress;
  progress?.start("locality (LDG)", passes * n);
  for (let pass = 0; pass < passes; pass++) {
    for (let v = 0; v < n; v++) {
      const t = isTrain[v]!;
      const old = part[v]!;
      if (old >= 0) {
        load[old]!--;
        trainLoad[old]! -= t;
      }
      score.fill(0);
      for (let i = indptr[v]!, end = indptr[v + 1]!; i < end; i++) {
        const q = part[indices[i]!]!;
        if (q >= 0) score[q]!++;
      }
      let best = -1;
      let bestScore = -Infinity;
      for (let q = 0; q < p; q++) {
        if (load[q]! + 1 > capNodes || (t && trainLoad[q]! + 1 > capTrain)) {
          continue;
        }
        let room = 1 - load[q]! / capNodes;
        if (t) room = Math.min(room, 1 - trainLoad[q]! / capTrain);
        // ties (e.g. no placed neighbours) go to the emptiest partition
        const s = score[q]! * room + room * 1e-6;
        if (s > bestScore) {
          bestScore = s;
          best = q;
        }
      }
      if (best < 0) best = old >= 0 ? old : leastLoaded(load);
      part[v] = best;
      load[best]!++;
      trainLoad[best]! += t;
      if ((v & 0xffff) === 0) progress?.tick(pass * n + v);
    }
  }
  progress?.done();
  return part;
}

function leastLoaded(load: Float64Array): number {
  let best = 0;
  for (let q = 1; q < load.length; q++) if (load[q]! < load[best]!) best = q;
  return best;
}
