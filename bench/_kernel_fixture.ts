import { CpuDevice } from "../engine/cpu_device.ts";
import type { Device, DeviceBuffer, DeviceStats } from "../engine/device.ts";
import { DeviceGraph } from "../engine/device_graph.ts";
import { DeviceTable } from "../engine/device_table.ts";
import { DeviceEdgeWeights } from "../engine/edge_weights.ts";
import { gatherRows } from "../engine/gather_rows.ts";
import type { CsrGraph } from "../engine/graph.ts";
import type { NodeDataset } from "../engine/dataset.ts";
import { sampleNeighbors } from "../engine/sample_neighbors.ts";
import { sampleNeighborsWeighted } from "../engine/sample_neighbors_weighted.ts";
import { shuffled } from "../engine/shuffle.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { plainGather, plainSample, randomIds } from "./_baselines.ts";

/** Sizes of the sampling and gather benchmarks. */
export interface KernelBenchOptions {
  /** Synthetic products-like graph scale (0.1: about 245 k nodes, 12 M edges). */
  readonly scale: number;
  /** Seeds per sampling batch, drawn uniformly from all nodes. */
  readonly batchSize: number;
  /** Batches per timed round. */
  readonly batches: number;
  readonly fanout: number;
  /** Rows gathered per gather call. */
  readonly gatherIds: number;
  /** Bytes of the sequential copy that measures memory bandwidth. */
  readonly copyBytes: number;
  /** CPU backend thread counts to measure, e.g. [2, 1]. */
  readonly cpuThreads: readonly number[];
  /** Whether to measure the WebGPU backend too (when an adapter exists). */
  readonly webgpu: boolean;
}

/** One device with the benchmark's graph, seeds, feature table and gather buffers on it. */
export interface KernelTarget {
  readonly label: string;
  readonly device: Device;
  readonly graph: DeviceGraph;
  /** The graph's edge weights (all positive, so weighted sampling takes as many edges as uniform). */
  readonly weights: DeviceEdgeWeights;
  readonly seeds: readonly DeviceBuffer[];
  readonly table: DeviceTable;
  readonly ids: DeviceBuffer;
  readonly out: DeviceBuffer;
}

/**
 * Everything the sampling and gather benchmarks run on, built once: a
 * products-like graph with its 100 float32 features, random seed batches
 * and gather ids, the devices with their copies of the data, and one
 * operation per measured case. Each operation checks its result (sampled
 * edge count, gathered values) so a broken kernel cannot look fast.
 *
 * @example
 * ```ts ignore
 * import { KernelFixture } from "./_kernel_fixture.ts";
 * const f = await KernelFixture.create({
 *   scale: 0.01, batchSize: 1024, batches: 2, fanout: 15, gatherIds: 1000,
 *   copyBytes: 1 << 20, cpuThreads: [1], webgpu: false,
 * });
 * await f.sampleOn(f.targets[0]!, 2);
 * f.destroy();
 * ```
 */
export class KernelFixture {
  private constructor(
    readonly options: KernelBenchOptions,
    readonly graph: CsrGraph,
    readonly features: Float32Array,
    readonly dim: number,
    readonly batches: readonly Int32Array[],
    /** Sampled edges of each batch: the sum of `min(fanout, degree)` over its seeds. */
    readonly batchEdges: readonly number[],
    readonly gatherIds: Int32Array,
    /** The dataset's training seeds, in a fixed shuffled order: what minibatches are drawn from. */
    readonly trainSeeds: Int32Array,
    /** The generated dataset whole (labels, classes), for the training-step rows. */
    readonly dataset: NodeDataset,
    readonly targets: readonly KernelTarget[],
    readonly webgpuDescription: string | undefined,
  ) {}

  static async create(options: KernelBenchOptions): Promise<KernelFixture> {
    const ds = generateSynthetic({ scale: options.scale, seed: 1, quiet: true });
    const { graph, features, featureDim: dim } = ds;
    const batches = Array.from(
      { length: options.batches },
      (_, b) => randomIds(options.batchSize, graph.numNodes, 1000 + b),
    );
    const batchEdges = batches.map((seeds) => {
      let edges = 0;
      for (const v of seeds) {
        edges += Math.min(options.fanout, graph.indptr[v + 1]! - graph.indptr[v]!);
      }
      return edges;
    });
    const gatherIds = randomIds(options.gatherIds, graph.numNodes, 7);
    // Weights over three decades, none zero: the same edge counts as uniform sampling.
    // A loop, not Float32Array.from(ids, f): that collects every value in a
    // JS array first, and at ogbn-products' 124 M edges V8 stops the process
    // ("invalid array length").
    const weights = new Float32Array(graph.indices.length);
    const exponents = randomIds(graph.indices.length, 3000, 11);
    for (let e = 0; e < weights.length; e++) weights[e] = 10 ** (exponents[e]! / 1000);
    const devices: { label: string; device: Device }[] = options.cpuThreads.map((threads) => ({
      label: `cpu backend, ${threads} thread${threads > 1 ? "s" : ""}`,
      device: new CpuDevice({ threads, blas: false }),
    }));
    let webgpuDescription: string | undefined;
    if (options.webgpu) {
      const gpu = await WebGpuDevice.create();
      if (gpu) {
        webgpuDescription = gpu.description;
        devices.unshift({ label: "webgpu", device: gpu });
      }
    }
    const targets = devices.map(({ label, device }) => {
      const seeds = batches.map((b, i) => {
        const buffer = device.createBuffer(b.byteLength, `seeds ${i}`);
        device.write(buffer, b);
        return buffer;
      });
      const ids = device.createBuffer(gatherIds.byteLength, "gather ids");
      device.write(ids, gatherIds);
      return {
        label,
        device,
        graph: DeviceGraph.upload(device, graph),
        weights: DeviceEdgeWeights.upload(device, graph, weights),
        seeds,
        table: DeviceTable.upload(device, features, dim, "features"),
        ids,
        out: device.createBuffer(gatherIds.length * dim * 4, "gathered"),
      };
    });
    const fixture = new KernelFixture(
      options,
      graph,
      features,
      dim,
      batches,
      batchEdges,
      gatherIds,
      shuffled(ds.split.train, 11),
      ds,
      targets,
      webgpuDescription,
    );
    await fixture.#check();
    return fixture;
  }

  /** Sampled edges in the first `batches` batches. */
  edges(batches = this.batches.length): number {
    return this.batchEdges.slice(0, batches).reduce((a, b) => a + b, 0);
  }

  /**
   * Samples the first `batches` batches on a device, all recorded before one
   * read of the last batch's edge count (which orders after every batch).
   */
  async sampleOn(
    target: KernelTarget,
    batches = this.batches.length,
    weighted = false,
  ): Promise<void> {
    const { device, graph, weights } = target;
    const { batchSize, fanout } = this.options;
    const hops = target.seeds.slice(0, batches).map((seeds, b) =>
      weighted
        ? sampleNeighborsWeighted(device, graph, weights, seeds, batchSize, fanout, b)
        : sampleNeighbors(device, graph, seeds, batchSize, fanout, b)
    );
    const last = hops[hops.length - 1]!;
    const [total] = await device.read(last.offsets, "i32", this.options.batchSize, 1);
    for (const hop of hops) {
      device.release(hop.offsets);
      device.release(hop.neighbors);
    }
    if (total !== this.batchEdges[batches - 1]) {
      throw new Error(
        `${target.label}: batch ${batches - 1} sampled ${total} edges, expected ${
          this.batchEdges[batches - 1]
        }`,
      );
    }
  }

  /** The plain TypeScript sampler over every batch; returns the sampled edges. */
  samplePlain(offsets: Int32Array, out: Int32Array): number {
    let edges = 0;
    for (const seeds of this.batches) {
      edges += plainSample(
        this.graph.indptr,
        this.graph.indices,
        seeds,
        this.options.fanout,
        offsets,
        out,
      );
    }
    return edges;
  }

  /** Gathers the id list `calls` times on a device, recorded before one small read. */
  async gatherOn(target: KernelTarget, calls = 1): Promise<void> {
    for (let c = 0; c < calls; c++) {
      gatherRows(target.device, target.table, target.ids, target.out, this.gatherIds.length);
    }
    await target.device.read(target.out, "f32", 0, 1);
  }

  /** The plain TypeScript gather into `out`. */
  gatherPlain(out: Float32Array): void {
    plainGather(this.features, this.dim, this.gatherIds, out);
  }

  /** Bytes one gather call writes. */
  get gatherBytes(): number {
    return this.gatherIds.length * this.dim * 4;
  }

  /** Frees every device. */
  destroy(): void {
    for (const t of this.targets) t.device.destroy();
  }

  /** Runs every case once (compiling WGSL outside timed regions) and compares results. */
  async #check(): Promise<void> {
    const expected = new Float32Array(this.gatherIds.length * this.dim);
    this.gatherPlain(expected);
    for (const t of this.targets) {
      await this.sampleOn(t);
      await this.sampleOn(t, this.batches.length, true);
      await this.gatherOn(t);
      const got = await t.device.read(t.out, "f32");
      for (let i = 0; i < expected.length; i++) {
        if (!Object.is(got[i], expected[i])) {
          throw new Error(`${t.label}: gathered value ${i} is ${got[i]}, expected ${expected[i]}`);
        }
      }
    }
  }
}

/** The difference of two stats snapshots. */
export function statsDelta(before: DeviceStats, after: DeviceStats): DeviceStats {
  return {
    submissions: after.submissions - before.submissions,
    readbacks: after.readbacks - before.readbacks,
    dispatches: after.dispatches - before.dispatches,
  };
}
