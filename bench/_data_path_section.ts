import { type BenchReport, median } from "./_report.ts";
import type { KernelFixture, KernelTarget } from "./_kernel_fixture.ts";
import { LocalFeatureStore } from "../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../engine/local_minibatch_source.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import { type HopSampler, sampleBlocks } from "../engine/sample_blocks.ts";
import { sampleNeighbors } from "../engine/sample_neighbors.ts";

/** Targets of the data-path rows (see bench/README.md). */
const GATHER_TARGET = 0.6;
/** Sampling seeds/s against the hash-table de-duplication it replaced (the "2x today's"). */
const SAMPLING_TARGET = 2;
const HASHED = ", hash table per hop";

/** What one backend's minibatches cost, summed over one round of batches. */
interface Round {
  readonly sampleMs: number;
  readonly gatherMs: number;
  readonly seeds: number;
  readonly edges: number;
  readonly inputRows: number;
}

/** Sizes of the data-path rows. */
export interface DataPathOptions {
  readonly batchSize: number;
  readonly fanouts: readonly number[];
  /** Minibatches per timed round, consecutive slices of the shuffled training seeds. */
  readonly batches: number;
  readonly rounds: number;
}

/**
 * Measures the minibatch data path as training sees it, on every backend of
 * `f`: `LocalMinibatchSource.next()` over training seeds, that is multi-hop
 * sampling (de-duplication and relabelling included) then the gather of the
 * input rows into the buffer the training step reads, that buffer's
 * allocation included. Sampling in seeds/s and sampled edges/s (every hop's
 * edges summed; each hop samples every node reached so far, the earlier
 * hops' nodes included, as DGL's blocks do), gather in GB/s of rows written
 * beside the copy bandwidth measured in the same section. On WebGPU the
 * gather is timed until a read of its last value returns. Every backend
 * must draw the same minibatches (same input rows and edges per batch): a
 * backend that differs fails the run.
 *
 * @example
 * ```ts ignore
 * await measureDataPath(report, fixture, { batchSize: 1024, fanouts: [15, 10, 5], batches: 8, rounds: 3 });
 * ```
 */
export async function measureDataPath(
  report: BenchReport,
  f: KernelFixture,
  options: DataPathOptions,
): Promise<void> {
  const { batchSize, fanouts } = options;
  const batches = Math.min(options.batches, Math.floor(f.trainSeeds.length / batchSize));
  if (batches < 1) {
    throw new RangeError(
      `data path: ${f.trainSeeds.length} training seeds make no batch of ${batchSize}`,
    );
  }
  const seeds = Array.from(
    { length: batches },
    (_, b) => f.trainSeeds.subarray(b * batchSize, (b + 1) * batchSize),
  );
  const graph = `${f.graph.numNodes} nodes / ${f.graph.indices.length} edges`;
  const sampling =
    `data path, sampling: ${batches} minibatches of ${batchSize} training seeds, fan-out [${fanouts}], ${graph}`;
  const gather = `data path, gather into the training buffer: the same minibatches' input rows`;
  const copyName = `sequential copy, ${(f.options.copyBytes / 2 ** 20).toFixed(0)} MiB warm`;
  const results = new Map<string, Round[]>();
  let reference: number[] | undefined;
  // Copy bandwidth first, then each backend; the copy again at the end, so a
  // change of load in between shows as two different copy figures.
  const copies = [measureCopy(f.options.copyBytes, options.rounds)];
  for (const t of f.targets) {
    const sampler = new LocalSampler(t.device, t.graph, fanouts);
    const features = new LocalFeatureStore(t.device, t.table);
    const variants: [string, LocalMinibatchSource][] = [
      [t.label, new LocalMinibatchSource(t.device, sampler, features)],
    ];
    // The target backend also runs the hash-table de-duplication that the
    // node map replaced, rounds interleaved, for a before/after ratio of one run.
    if (isMost(t, f)) {
      const hop: HopSampler = (frontier, n, k, s) =>
        sampleNeighbors(t.device, t.graph, frontier, n, k, s);
      const hashed = {
        fanouts,
        sample: (s: Int32Array, seed: number) => sampleBlocks(t.device, hop, s, fanouts, seed),
      };
      variants.push([
        t.label + HASHED,
        new LocalMinibatchSource(t.device, hashed, features),
      ]);
    }
    for (const [label, source] of variants) {
      const shape = await runRound(t, source, seeds, f); // warm-up, and the check
      reference ??= shape.shape;
      if (shape.shape.join() !== reference.join()) {
        throw new Error(`${label}: minibatches differ from ${f.targets[0]!.label}'s`);
      }
      results.set(label, []);
    }
    for (let r = 0; r < options.rounds; r++) {
      for (const [label, source] of variants) {
        results.get(label)!.push((await runRound(t, source, seeds)).round);
      }
    }
    sampler.release();
  }
  copies.push(measureCopy(f.options.copyBytes, options.rounds));
  const copy = copies.flat();
  report.add({ section: gather, ...median(copy), name: copyName, unit: "GB/s" });
  const seedRate = (rounds: Round[]) => median(rounds.map((r) => r.seeds / r.sampleMs));
  const target = f.targets.find((t) => isMost(t, f))?.label;
  const hashedLabels = new Set([...results.keys()].filter((l) => l.endsWith(HASHED)));
  for (const [label, rounds] of results) {
    const first = rounds[0]!;
    let note = `${(first.edges / first.seeds).toFixed(1)} edges and ${
      (first.inputRows / first.seeds).toFixed(1)
    } input rows per seed`;
    const hashed = results.get(label + HASHED);
    if (hashed) {
      const ratio = seedRate(rounds).value / seedRate(hashed).value;
      note = `${ratio.toFixed(2)}x the hash table's; target >= ${SAMPLING_TARGET}x: ${
        ratio >= SAMPLING_TARGET ? "met" : "MISSED"
      }`;
    }
    report.add({
      section: sampling,
      ...seedRate(rounds),
      name: `${label}: seeds`,
      unit: "k seeds/s",
      note,
    });
    report.add({
      section: sampling,
      ...median(rounds.map((r) => r.edges / r.sampleMs / 1e3)),
      name: `${label}: edges`,
      unit: "M edges/s",
      note: `${(first.sampleMs / batches).toFixed(1)} ms per minibatch`,
    });
    if (hashedLabels.has(label)) continue; // the same gather as its backend's
    const m = median(rounds.map((r) => r.inputRows * f.dim * 4 / r.gatherMs / 1e6));
    const ratio = m.value / report.find(gather, copyName)!.value;
    const targetNote = label === target
      ? `; target >= ${GATHER_TARGET}x: ${ratio >= GATHER_TARGET ? "met" : "MISSED"}`
      : "";
    report.add({
      section: gather,
      ...m,
      name: label,
      unit: "GB/s",
      note: `${(first.gatherMs / batches).toFixed(1)} ms per minibatch${targetNote}`,
    }, copyName);
  }
}

function isMost(t: KernelTarget, f: KernelFixture): boolean {
  const cpus = f.targets.filter((x) => x.device.kind === "cpu");
  return cpus[f.options.cpuThreads.indexOf(Math.max(...f.options.cpuThreads))] === t;
}

/**
 * Prepares every minibatch once on `t`, timing sampling and gather; with
 * `check`, compares the last row gathered of each batch with the table.
 */
async function runRound(
  t: KernelTarget,
  source: LocalMinibatchSource,
  seeds: readonly Int32Array[],
  check?: KernelFixture,
): Promise<{ round: Round; shape: number[] }> {
  let sampleMs = 0, gatherMs = 0, edges = 0, inputRows = 0, n = 0;
  const shape: number[] = [];
  for (const [b, batch] of seeds.entries()) {
    const start = performance.now();
    const mb = await source.next(batch, b + 1);
    try {
      const dim = source.dim;
      const last = await t.device.read(mb.inputs, "f32", (mb.numInput - 1) * dim, dim);
      const ms = performance.now() - start;
      sampleMs += mb.sampleMs;
      gatherMs += ms - mb.sampleMs;
      const e = mb.blocks.reduce((s, x) => s + x.numEdges, 0);
      edges += e;
      inputRows += mb.numInput;
      n += batch.length;
      shape.push(mb.numInput, e);
      if (check) {
        const [node] = await t.device.read(mb.inputNodes, "i32", mb.numInput - 1, 1);
        const want = check.features.subarray(node! * dim, (node! + 1) * dim);
        if (!want.every((x, i) => Object.is(x, last[i]))) {
          throw new Error(`${t.label}: batch ${b} gathered a wrong row for node ${node}`);
        }
      }
    } finally {
      mb.release();
    }
  }
  return { round: { sampleMs, gatherMs, seeds: n, edges, inputRows }, shape };
}

/** GB/s of `Uint8Array.prototype.set` on a warm buffer of `bytes`, each of `rounds`. */
function measureCopy(bytes: number, rounds: number): number[] {
  const src = new Uint8Array(bytes).fill(1);
  const dst = new Uint8Array(bytes).fill(2);
  dst.set(src);
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    dst.set(src);
    out.push(bytes / (performance.now() - t) / 1e6);
  }
  return out;
}
