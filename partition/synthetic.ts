import type { NodeDataset } from "../engine/dataset.ts";
import { buildAlias, Progress, type ProgressOptions, Sfc32 } from "./_util.ts";
import { syntheticEdgeWeights } from "./_synthetic_weights.ts";

/** Node count of the full-scale (scale 1.0) products-like graph. */
const FULL_NODES = 2_449_029;
/** Directed edge count of the full-scale graph (each undirected edge twice). */
const FULL_DIRECTED_EDGES = 123_718_280;
const FEATURE_DIM = 100;
const INFORMATIVE_DIMS = 60;
const NUM_CLASSES = 47;
/** Share of a node's edges drawn inside its own community. */
const P_IN = 0.8;
/** Share of nodes whose features describe a random other class. */
const MISLEADING = 0.3;
const FEATURE_NOISE = 2.1;
/** Share of nodes whose class is not their community's class. */
const LABEL_NOISE = 0.2;
const NODES_PER_COMMUNITY = 2000;
const PARETO_ALPHA = 2.5;
const MAX_DEGREE = 17_500;

/**
 * Options of {@linkcode generateSynthetic}.
 *
 * @example
 * ```ts
 * import { generateSynthetic, type SyntheticOptions } from "./synthetic.ts";
 * const tiny: SyntheticOptions = { scale: 0.0001, seed: 7, quiet: true };
 * console.assert(generateSynthetic(tiny).graph.numNodes >= 64);
 * ```
 */
export interface SyntheticOptions extends ProgressOptions {
  /** Fraction of the full products-like size, in (0, 1]; 0.001 gives ~2.4 k nodes. */
  readonly scale: number;
  /** PRNG seed; the same seed and scale always give the same dataset. */
  readonly seed?: number;
  /**
   * Also emit `edgeWeights`: 1 to 5 inside a community, 0 (a quarter of them) or 0.05 to 0.5
   * between communities, the same both ways; the rest of the dataset is unchanged.
   */
  readonly edgeWeights?: boolean;
}

/**
 * Generates a deterministic products-like node-classification dataset: a
 * degree-corrected stochastic block model with power-law degrees (most edges
 * inside a node's community, each community belonging to one of 47 classes
 * and 80% of its nodes carrying that class),
 * 100 float32 features that are only partly informative (a class-dependent
 * mean on 60 dimensions, heavy noise everywhere, 30% of the nodes carrying the
 * mean of a random other class) and an 8% / 1.6% / 90.4% train/valid/test
 * split. At `scale: 1` it has 2,449,029 nodes and 123,718,280 directed edges
 * (undirected, symmetrised, no duplicates or self-loops, rows sorted).
 * With `edgeWeights`, each edge also gets a deterministic weight, heavier
 * inside communities, so that edge-weighted sampling differs visibly.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * const ds = generateSynthetic({ scale: 0.001, seed: 1, quiet: true });
 * console.log(ds.graph.numNodes, ds.featureDim, ds.numClasses); // 2449 100 47
 * ```
 */
export function generateSynthetic(options: SyntheticOptions): NodeDataset {
  const { scale } = options;
  if (!(scale > 0 && scale <= 1)) {
    throw new RangeError(`generateSynthetic: scale must be in (0, 1], got ${scale}`);
  }
  const seed = options.seed ?? 0;
  const progress = new Progress(options);
  const n = Math.max(64, Math.round(FULL_NODES * scale));
  const maxUndirected = (n * (n - 1)) / 2;
  const targetUndirected = Math.min(
    Math.round((FULL_DIRECTED_EDGES / 2) * (n / FULL_NODES)),
    Math.floor(maxUndirected * 0.5),
  );

  const model = buildModel(n, seed, (2 * targetUndirected) / n);
  let oversample = 1.03;
  let canon: Canonical | undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    canon = sampleCanonicalEdges(
      model,
      Math.ceil(targetUndirected * oversample),
      seed,
      progress,
    );
    if (canon.count >= targetUndirected) break;
    oversample *= (targetUndirected / Math.max(canon.count, 1)) * 1.02;
  }
  const graph = symmetrise(n, canon!, targetUndirected, progress);
  const features = makeFeatures(n, model, seed, progress);
  const split = makeSplit(n, seed);
  return {
    name: `synthetic-products-${scale}`,
    graph,
    features,
    featureDim: FEATURE_DIM,
    labels: model.labels,
    numClasses: NUM_CLASSES,
    split,
    ...(options.edgeWeights
      ? { edgeWeights: syntheticEdgeWeights(graph, model.community, seed) }
      : {}),
  };
}

interface Model {
  readonly n: number;
  /** Community of each node. */
  readonly community: Int32Array;
  /** Class of each node (the class of its community). */
  readonly labels: Int32Array;
  /** Expected degree of each node. */
  readonly degree: Float64Array;
  /** Nodes grouped by community; community c is members[cOff[c]..cOff[c+1]). */
  readonly members: Int32Array;
  readonly cOff: Int32Array;
  /** Alias tables over members (per community) and over all nodes. */
  readonly cProb: Float64Array;
  readonly cAlias: Int32Array;
  readonly gProb: Float64Array;
  readonly gAlias: Int32Array;
}

function buildModel(n: number, seed: number, meanDegree: number): Model {
  const rng = new Sfc32(seed, 1);
  const k = Math.max(NUM_CLASSES, Math.round(n / NODES_PER_COMMUNITY));
  // community sizes: log-normal weights; class of community c: c for the
  // first 47, then a Zipf-like class prior so class sizes are skewed
  const cWeight = new Float64Array(k);
  for (let c = 0; c < k; c++) cWeight[c] = Math.exp(0.6 * rng.gauss());
  const classCum = new Float64Array(NUM_CLASSES);
  let acc = 0;
  for (let y = 0; y < NUM_CLASSES; y++) {
    acc += 1 / Math.pow(y + 1, 0.9);
    classCum[y] = acc;
  }
  const cClass = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    cClass[c] = c < NUM_CLASSES ? c : searchCum(classCum, rng.next() * acc);
  }
  const cCum = new Float64Array(k);
  let cAcc = 0;
  for (let c = 0; c < k; c++) cCum[c] = cAcc += cWeight[c]!;
  const community = new Int32Array(n);
  const labels = new Int32Array(n);
  const cOff = new Int32Array(k + 1);
  for (let v = 0; v < n; v++) {
    const c = v < k ? v : searchCum(cCum, rng.next() * cAcc);
    community[v] = c;
    labels[v] = rng.next() < LABEL_NOISE ? rng.int(NUM_CLASSES) : cClass[c]!;
    cOff[c + 1]!++;
  }
  for (let c = 0; c < k; c++) cOff[c + 1]! += cOff[c]!;
  const fill = cOff.slice(0, k);
  const members = new Int32Array(n);
  for (let v = 0; v < n; v++) members[fill[community[v]!]!++] = v;

  // Pareto expected degrees with the requested mean, capped like the
  // largest products degree (or n / 8 on small graphs)
  const cap = Math.min(MAX_DEGREE, Math.max(100, n / 8));
  const xmin = (meanDegree * (PARETO_ALPHA - 2)) / (PARETO_ALPHA - 1);
  const degree = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const d = xmin * Math.pow(1 - rng.next(), -1 / (PARETO_ALPHA - 1));
    degree[v] = Math.min(d, cap);
  }
  const memberWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) memberWeight[i] = degree[members[i]!]!;
  const cProb = new Float64Array(n);
  const cAlias = new Int32Array(n);
  const work = new Int32Array(n);
  for (let c = 0; c < k; c++) {
    buildAlias(memberWeight, cOff[c]!, cOff[c + 1]!, cProb, cAlias, work);
  }
  const gProb = new Float64Array(n);
  const gAlias = new Int32Array(n);
  buildAlias(degree, 0, n, gProb, gAlias, work);
  return {
    n,
    community,
    labels,
    degree,
    members,
    cOff,
    cProb,
    cAlias,
    gProb,
    gAlias,
  };
}

function searchCum(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Deduplicated undirected edges u < v as a CSR over u, rows sorted. */
interface Canonical {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly count: number;
}

function sampleCanonicalEdges(
  m: Model,
  want: number,
  seed: number,
  progress: Progress,
): Canonical {
  const { n, degree, community, members, cOff, cProb, cAlias, gProb, gAlias } = m;
  const rng = new Sfc32(seed, 2);
  let degSum = 0;
  for (let v = 0; v < n; v++) degSum += degree[v]!;
  const perUnit = want / degSum;
  const cap = want + Math.ceil(Math.sqrt(want) * 8) + n;
  const lo = new Int32Array(cap);
  const hi = new Int32Array(cap);
  let e = 0;
  progress.start("edges", n);
  for (let u = 0; u < n && e < cap; u++) {
    const mean = degree[u]! * perUnit;
    let count = Math.floor(mean);
    if (rng.next() < mean - count) count++;
    const c = community[u]!;
    const from = cOff[c]!;
    const size = cOff[c + 1]! - from;
    for (let j = 0; j < count && e < cap; j++) {
      let t: number;
      if (rng.next() < P_IN) {
        const i = from + Math.floor(rng.next() * size);
        t = members[rng.next() < cProb[i]! ? i : from + cAlias[i]!]!;
      } else {
        const i = Math.floor(rng.next() * n);
        t = rng.next() < gProb[i]! ? i : gAlias[i]!;
      }
      if (t === u) continue;
      if (u < t) {
        lo[e] = u;
        hi[e] = t;
      } else {
        lo[e] = t;
        hi[e] = u;
      }
      e++;
    }
    if ((u & 0xffff) === 0) progress.tick(u);
  }
  progress.done();
  progress.start("dedupe", n);
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < e; i++) indptr[lo[i]! + 1]!++;
  for (let v = 0; v < n; v++) indptr[v + 1]! += indptr[v]!;
  const fill = indptr.slice(0, n);
  const indices = new Int32Array(e);
  for (let i = 0; i < e; i++) indices[fill[lo[i]!]!++] = hi[i]!;
  // sort each row and compact out duplicates, rewriting indptr in place
  let w = 0;
  let start = 0;
  for (let v = 0; v < n; v++) {
    const end = indptr[v + 1]!;
    const row = indices.subarray(start, end);
    if (row.length > 1) row.sort();
    indptr[v] = w;
    let prev = -1;
    for (let i = start; i < end; i++) {
      const x = indices[i]!;
      if (x !== prev) indices[w++] = x;
      prev = x;
    }
    start = end;
    if ((v & 0xffff) === 0) progress.tick(v);
  }
  indptr[n] = w;
  progress.done();
  return { indptr, indices, count: w };
}

/**
 * Keeps exactly `target` of the canonical edges (evenly spread) and writes
 * both directions into a CSR whose rows come out sorted.
 */
function symmetrise(
  n: number,
  canon: Canonical,
  target: number,
  progress: Progress,
): { numNodes: number; indptr: Int32Array; indices: Int32Array } {
  const { indptr: cp, indices: ci, count } = canon;
  const keepAll = count <= target;
  const keep = (i: number) =>
    keepAll ||
    Math.floor(((i + 1) * target) / count) !== Math.floor((i * target) / count);
  progress.start("symmetrise", 2 * n);
  const indptr = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) {
    for (let i = cp[u]!; i < cp[u + 1]!; i++) {
      if (!keep(i)) continue;
      indptr[u + 1]!++;
      indptr[ci[i]! + 1]!++;
    }
  }
  for (let v = 0; v < n; v++) indptr[v + 1]! += indptr[v]!;
  const total = indptr[n]!;
  const indices = new Int32Array(total);
  const fill = indptr.slice(0, n);
  // reverse direction first: row v receives all u < v in ascending order
  for (let u = 0; u < n; u++) {
    for (let i = cp[u]!; i < cp[u + 1]!; i++) {
      if (keep(i)) indices[fill[ci[i]!]!++] = u;
    }
    if ((u & 0xffff) === 0) progress.tick(u);
  }
  // then the forward direction: row u receives its v > u, already sorted
  for (let u = 0; u < n; u++) {
    for (let i = cp[u]!; i < cp[u + 1]!; i++) {
      if (keep(i)) indices[fill[u]!++] = ci[i]!;
    }
    if ((u & 0xffff) === 0) progress.tick(n + u);
  }
  progress.done();
  return { numNodes: n, indptr, indices };
}

function makeFeatures(
  n: number,
  m: Model,
  seed: number,
  progress: Progress,
): Float32Array {
  const rng = new Sfc32(seed, 3);
  const means = new Float32Array(NUM_CLASSES * INFORMATIVE_DIMS);
  for (let i = 0; i < means.length; i++) means[i] = rng.gauss();
  const features = new Float32Array(n * FEATURE_DIM);
  progress.start("features", n);
  for (let v = 0; v < n; v++) {
    const y = rng.next() < MISLEADING ? rng.int(NUM_CLASSES) : m.labels[v]!;
    const mo = y * INFORMATIVE_DIMS;
    const base = v * FEATURE_DIM;
    // Box-Muller pairs: two normal deviates per log/sqrt
    for (let j = 0; j < FEATURE_DIM; j += 2) {
      const r = FEATURE_NOISE * Math.sqrt(-2 * Math.log(1 - rng.next()));
      const a = 2 * Math.PI * rng.next();
      let x0 = r * Math.cos(a);
      let x1 = r * Math.sin(a);
      if (j < INFORMATIVE_DIMS) {
        x0 += means[mo + j]!;
        x1 += means[mo + j + 1]!;
      }
      features[base + j] = x0;
      features[base + j + 1] = x1;
    }
    if ((v & 0xffff) === 0) progress.tick(v);
  }
  progress.done();
  return features;
}

function makeSplit(
  n: number,
  seed: number,
): { train: Int32Array; valid: Int32Array; test: Int32Array } {
  const rng = new Sfc32(seed, 4);
  const which = new Uint8Array(n);
  let nTrain = 0;
  let nValid = 0;
  for (let v = 0; v < n; v++) {
    const r = rng.next();
    const s = r < 0.08 ? 0 : r < 0.096 ? 1 : 2;
    which[v] = s;
    if (s === 0) nTrain++;
    else if (s === 1) nValid++;
  }
  const train = new Int32Array(nTrain);
  const valid = new Int32Array(nValid);
  const test = new Int32Array(n - nTrain - nValid);
  let a = 0;
  let b = 0;
  let c = 0;
  for (let v = 0; v < n; v++) {
    const s = which[v]!;
    if (s === 0) train[a++] = v;
    else if (s === 1) valid[b++] = v;
    else test[c++] = v;
  }
  return { train, valid, test };
}
