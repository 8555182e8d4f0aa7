import type { NodeDataset } from "../engine/dataset.ts";
import { type Progress, Sfc32 } from "./_util.ts";
import { samplingHotness } from "./hotness.ts";

/**
 * Result of {@linkcode assignFrequency}.
 *
 * @example
 * ```ts
 * import { assignFrequency } from "./assign_frequency.ts";
 * import { generateSynthetic } from "./synthetic.ts";
 * const dataset = generateSynthetic({ scale: 0.0001, seed: 1, quiet: true });
 * const { part, hotness } = assignFrequency(dataset, 2, [5, 5], 1);
 * console.assert(part.length === dataset.graph.numNodes && hotness.length === 2);
 * ```
 */
export interface FrequencyAssignment {
  /** Partition of each node. */
  readonly part: Int32Array;
  /** Per partition, the hotness of every node as seen from its seeds. */
  readonly hotness: readonly Float32Array[];
}

/**
 * graphlearn-for-pytorch's frequency (hotness) partitioner: the training
 * seeds are first dealt evenly at random to the partitions; then for each
 * partition the expected number of times every node is reached when sampling
 * from its seeds with `fanout` is estimated ({@linkcode samplingHotness}), and
 * every other node goes to the partition that reaches it most, unless that
 * partition is full (capacity `(1 + slack) x` the mean), in which case the
 * next hottest is taken. Unreached nodes fill the emptiest partitions. The
 * hotness tables are returned for building the feature caches.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { assignFrequency } from "./assign_frequency.ts";
 * const ds = generateSynthetic({ scale: 0.001, quiet: true });
 * const { part } = assignFrequency(ds, 2, [15, 10, 5], 0);
 * console.log(part.length === ds.graph.numNodes); // true
 * ```
 */
export function assignFrequency(
  dataset: NodeDataset,
  numPartitions: number,
  fanout: readonly number[],
  seed: number,
  options: { slack?: number; progress?: Progress } = {},
): FrequencyAssignment {
  const { graph } = dataset;
  const n = graph.numNodes;
  const p = numPartitions;
  const slack = options.slack ?? 0.02;
  const progress = options.progress;
  const rng = new Sfc32(seed, 12);
  const train = dataset.split.train.slice();
  for (let i = train.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = train[i]!;
    train[i] = train[j]!;
    train[j] = t;
  }
  const part = new Int32Array(n).fill(-1);
  const load = new Float64Array(p);
  const seedsOf: Int32Array[] = [];
  for (let q = 0; q < p; q++) {
    const from = Math.floor((q * train.length) / p);
    const to = Math.floor(((q + 1) * train.length) / p);
    const seeds = train.slice(from, to).sort();
    for (const v of seeds) part[v] = q;
    load[q] = seeds.length;
    seedsOf.push(seeds);
  }
  const hotness: Float32Array[] = [];
  progress?.start("frequency (hotness)", p + 1);
  for (let q = 0; q < p; q++) {
    hotness.push(samplingHotness(graph, seedsOf[q]!, fanout));
    progress?.tick(q + 1);
  }
  const cap = Math.ceil((n / p) * (1 + slack));
  const unreached: number[] = [];
  for (let v = 0; v < n; v++) {
    if (part[v]! >= 0) continue;
    let best = -1;
    let bestHot = 0;
    for (let q = 0; q < p; q++) {
      const h = hotness[q]![v]!;
      if (h > bestHot && load[q]! < cap) {
        bestHot = h;
        best = q;
      }
    }
    if (best < 0) {
      unreached.push(v);
      continue;
    }
    part[v] = best;
    load[best]!++;
  }
  // fill up evenly with the nodes no seed reaches (or whose choices were full)
  for (const v of unreached) {
    let best = 0;
    for (let q = 1; q < p; q++) if (load[q]! < load[best]!) best = q;
    part[v] = best;
    load[best]!++;
  }
  progress?.done();
  return { part, hotness };
}
