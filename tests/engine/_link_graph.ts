// Test helpers for link prediction: a graph with planted communities and a
// node minibatch source over it.
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceTable } from "../../engine/device_table.ts";
import { csrFromEdges } from "../../engine/graph.ts";
import type { LinkEdges } from "../../engine/link_split.ts";
import { LocalFeatureStore } from "../../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../../engine/local_minibatch_source.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import { rng } from "../_random.ts";

/** A planted graph: its message-passing edges (both ways), its held-out edges and its features. */
export interface PlantedGraph {
  readonly numNodes: number;
  readonly community: Int32Array;
  /** Training edges, one direction each; the graph holds both. */
  readonly train: LinkEdges;
  /** Held-out test edges (not in the graph), one direction each. */
  readonly test: LinkEdges;
  readonly features: Float32Array<ArrayBuffer>;
  readonly dim: number;
}

/**
 * `communities` groups of `size` nodes; each node links to about `inside`
 * random nodes of its group and `outside` of others (no self-loops, no
 * repeats). Features are noise plus `signal` times a random unit vector of
 * the node's community (signal 0: features say nothing of the community).
 * A `testShare` of the edges is held out of the graph.
 */
export function plantedGraph(options: {
  communities: number;
  size: number;
  inside: number;
  outside: number;
  dim: number;
  signal: number;
  testShare: number;
  seed: number;
}): PlantedGraph {
  const { communities, size, inside, outside, dim, signal, testShare, seed } = options;
  const r = rng(seed);
  const n = communities * size;
  const community = Int32Array.from({ length: n }, (_, v) => Math.floor(v / size));
  const seen = new Set<number>();
  const src: number[] = [], dst: number[] = [];
  const add = (a: number, b: number) => {
    const key = Math.min(a, b) * n + Math.max(a, b);
    if (a === b || seen.has(key)) return;
    seen.add(key);
    src.push(a);
    dst.push(b);
  };
  for (let v = 0; v < n; v++) {
    const c = community[v]!;
    for (let k = 0; k < inside / 2; k++) add(v, c * size + Math.floor(r() * size));
    for (let k = 0; k < outside / 2; k++) {
      const other = (c + 1 + Math.floor(r() * (communities - 1))) % communities;
      add(v, other * size + Math.floor(r() * size));
    }
  }
  const isTest = src.map(() => r() < testShare);
  const pick = (test: boolean) => ({
    source: Int32Array.from(src.filter((_, i) => isTest[i] === test)),
    target: Int32Array.from(dst.filter((_, i) => isTest[i] === test)),
  });
  const centre = Array.from({ length: communities }, () => {
    const u = Array.from({ length: dim }, () => gaussian(r));
    const norm = Math.hypot(...u);
    return u.map((x) => x / norm);
  });
  const features = new Float32Array(n * dim);
  for (let v = 0; v < n; v++) {
    for (let k = 0; k < dim; k++) {
      features[v * dim + k] = gaussian(r) + signal * centre[community[v]!]![k]!;
    }
  }
  return { numNodes: n, community, train: pick(false), test: pick(true), features, dim };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** A local node source over the training edges of `g` (both ways) and its features. */
export function plantedSource(device: Device, g: PlantedGraph, fanouts: readonly number[]) {
  const { source, target } = g.train;
  const csr = csrFromEdges(
    g.numNodes,
    Int32Array.of(...source, ...target),
    Int32Array.of(...target, ...source),
  );
  const graph = DeviceGraph.upload(device, csr);
  const table = DeviceTable.upload(device, g.features, g.dim, "features");
  const sampler = new LocalSampler(device, graph, fanouts);
  return {
    csr,
    source: new LocalMinibatchSource(device, sampler, new LocalFeatureStore(device, table)),
    release: () => {
      sampler.release();
      graph.release();
      table.release();
    },
  };
}
