import type { Device, DeviceBuffer } from "./device.ts";
import { excludePairs } from "./exclude_pairs.ts";
import { pcg } from "./kernels/_random.ts";
import type { LinkEdges } from "./link_split.ts";
import { linkTarget, type NegativeSampling } from "./link_target.ts";
import type { BusyClock, MinibatchSource, PreparedMinibatch } from "./minibatch_source.ts";

const IDLE: BusyClock = { busyMs: 0 };

/**
 * How a {@linkcode LinkMinibatchSource} makes minibatches of edges.
 *
 * @example
 * ```ts
 * import type { LinkSourceOptions } from "./link_minibatch_source.ts";
 * const options: LinkSourceOptions = { numNodes: 1000, negatives: { mode: "binary", ratio: 1 } };
 * ```
 */
export interface LinkSourceOptions {
  /** Nodes of the graph: negative endpoints are drawn from `[0, numNodes)`. */
  readonly numNodes: number;
  /** Global index of the first of the trainer's edges (default 0): seeds are global edge indices. */
  readonly firstEdge?: number;
  /** Negative pairs drawn per minibatch (default binary, ratio 1, as GLT's example). */
  readonly negatives?: NegativeSampling;
  /**
   * Take the minibatch's positive edges and their reverses out of its blocks (default true,
   * DGL's `exclude="reverse_id"`).
   */
  readonly exclude?: boolean;
}

/**
 * Link-prediction minibatches from any node {@linkcode MinibatchSource} (the
 * local one, the partition server's Worker, a sampling server), so that link
 * training runs through the same epoch loop, all-reduce and prefetch as node
 * classification. Its seeds are training-edge ids (global edge indices; this
 * source holds the trainer's edges from `firstEdge` on). For a minibatch it
 * draws negatives with the minibatch's seed and its first edge's global
 * index (so that ranks stepping with one seed draw different negatives), samples the blocks of every
 * endpoint once through the inner source, takes the minibatch's own
 * positive edges and their reverses out of the blocks on the device, and
 * uploads the link target (`PreparedMinibatch.target`) that
 * `linkTrainable`'s loss reads. The same edges, seed and graph give the same
 * minibatch whatever the backend or inner source.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { csrFromEdges } from "./graph.ts";
 * import { DeviceGraph } from "./device_graph.ts";
 * import { DeviceTable } from "./device_table.ts";
 * import { LinkMinibatchSource } from "./link_minibatch_source.ts";
 * import { LocalFeatureStore } from "./local_feature_store.ts";
 * import { LocalMinibatchSource } from "./local_minibatch_source.ts";
 * import { LocalSampler } from "./local_sampler.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const src = new Int32Array([0, 1, 1, 2]), dst = new Int32Array([1, 0, 2, 1]);
 * const graph = DeviceGraph.upload(device, csrFromEdges(3, src, dst));
 * const table = DeviceTable.upload(device, new Float32Array([1, 0, 0, 1, 1, 1]), 2, "x");
 * const nodes = new LocalMinibatchSource(device, new LocalSampler(device, graph, [2]), new LocalFeatureStore(device, table));
 * const links = new LinkMinibatchSource(device, nodes, { source: src, target: dst }, { numNodes: 3 });
 * const batch = await links.next(new Int32Array([0]), 1);
 * console.log(batch.target!.count); // 2: the edge 0 -> 1 and one negative
 * batch.release();
 * graph.release();
 * table.release();
 * device.destroy();
 * ```
 */
export class LinkMinibatchSource implements MinibatchSource {
  readonly fanouts: readonly number[];
  readonly dim: number;
  readonly #device: Device;
  readonly #inner: MinibatchSource;
  readonly #edges: LinkEdges;
  readonly #numNodes: number;
  readonly #firstEdge: number;
  readonly #negatives: NegativeSampling;
  readonly #exclude: boolean;

  /**
   * Wraps `inner` with the trainer's `edges` (edge `i` has global index `firstEdge + i`); throws
   * a `RangeError` when the edge lists differ in length.
   */
  constructor(
    device: Device,
    inner: MinibatchSource,
    edges: LinkEdges,
    options: LinkSourceOptions,
  ) {
    if (edges.source.length !== edges.target.length) {
      throw new RangeError(
        `LinkMinibatchSource: ${edges.source.length} sources and ${edges.target.length} targets`,
      );
    }
    this.#device = device;
    this.#inner = inner;
    this.#edges = edges;
    this.#numNodes = options.numNodes;
    this.#firstEdge = options.firstEdge ?? 0;
    this.#negatives = options.negatives ?? { mode: "binary", ratio: 1 };
    this.#exclude = options.exclude ?? true;
    this.fanouts = inner.fanouts;
    this.dim = inner.dim;
  }

  async next(seeds: Int32Array, seed: number, clock = IDLE): Promise<PreparedMinibatch> {
    const ids = this.#firstEdge === 0 ? seeds : seeds.map((e) => e - this.#firstEdge);
    // The negatives' seed mixes in the minibatch's first global edge: ranks
    // of a cluster step with the same seed, and would otherwise all draw the
    // same negative nodes (binary: the same pairs), a W-th of the negatives.
    const drawSeed = pcg((seed ^ pcg(seeds[0] ?? 0)) >>> 0);
    const link = linkTarget(this.#edges, ids, this.#numNodes, this.#negatives, drawSeed);
    const device = this.#device;
    const owned: DeviceBuffer[] = [];
    const upload = (data: Int32Array, label: string) => {
      const b = device.createBuffer(Math.max(4, data.byteLength), label, "uninitialised");
      owned.push(b);
      device.write(b, data);
      return b;
    };
    const batch = await this.#inner.next(link.nodes, seed, clock);
    let releaseBlocks = () => {};
    try {
      const target = upload(link.target, "link target");
      let { blocks } = batch;
      let sampleMs = batch.sampleMs;
      if (this.#exclude) {
        const t = performance.now(), busy = clock.busyMs;
        const exclusion = upload(link.exclusion, "link exclusion");
        const excluded = await excludePairs(device, blocks, exclusion, link.nodes.length);
        blocks = excluded.blocks;
        releaseBlocks = excluded.release;
        sampleMs += performance.now() - t - (clock.busyMs - busy);
      }
      return {
        ...batch,
        blocks,
        sampleMs,
        target: { buffer: target, count: link.numPairs },
        release: () => {
          releaseBlocks();
          for (const b of owned) device.release(b);
          batch.release();
        },
      };
    } catch (err) {
      releaseBlocks();
      for (const b of owned) device.release(b);
      batch.release();
      throw err;
    }
  }
}
