import { CpuDevice } from "../engine/cpu_device.ts";
import type { Device } from "../engine/device.ts";
import { LinkMinibatchSource } from "../engine/link_minibatch_source.ts";
import { linkTrainable } from "../engine/link_trainable.ts";
import { LocalFeatureStore } from "../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../engine/local_minibatch_source.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import { type MiniBatch, sampleBlocks } from "../engine/sample_blocks.ts";
import { sampleNeighbors } from "../engine/sample_neighbors.ts";
import { SageModel } from "../engine/sage_model.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";
import type { StepReportOptions } from "./_gpu_report_section.ts";
import type { KernelFixture, KernelTarget } from "./_kernel_fixture.ts";
import type { BenchReport } from "./_report.ts";
import {
  addChecks,
  differingValues,
  RELATIVE,
  RELATIVE_NORM,
  relativeDifference,
  relativeNormDifference,
} from "./_compare.ts";

/** What one device computed for the pass, as host arrays, and the kernels it ran. */
interface LinkPass {
  /** The link minibatch's blocks (edge-weighted sampling, the batch's own edges removed) and nodes. */
  readonly linkBlocks: Int32Array[];
  readonly rows: Float32Array;
  readonly loss: Float32Array;
  readonly gradients: Float32Array;
  /** The same seeds' blocks from the hash-table sampler (the distributed sampler's path). */
  readonly hashBlocks: Int32Array[];
  readonly kernels: Set<string>;
}

/**
 * The part of the report's correctness pass that the node-classification
 * step does not reach: one link-prediction minibatch sampled by edge weight
 * (its own edges and their reverses taken out of the blocks), its BCE loss
 * and gradients, and the hash-table de-duplication the distributed sampler
 * uses, each on WebGPU against the CPU backend, so that a real adapter's run
 * checks every kernel. The rows go in their own section; a disagreement is a
 * failure of the run.
 *
 * @example
 * ```ts ignore
 * await measureLinkCorrectness(report, fixture, { fanouts: [15, 10], batchSize: 32, hidden: 64 });
 * ```
 */
export async function measureLinkCorrectness(
  report: BenchReport,
  f: KernelFixture,
  o: StepReportOptions,
): Promise<void> {
  const gpuTarget = f.targets.find((t) => t.device instanceof WebGpuDevice);
  const cpuTarget = f.targets.find((t) => t.device instanceof CpuDevice);
  if (!gpuTarget || !cpuTarget) throw new Error("the correctness pass needs a WebGPU adapter");
  // Training edges: each seed's first neighbour (a real edge of the graph).
  const seeds = f.trainSeeds.filter((v) => f.graph.indptr[v + 1]! > f.graph.indptr[v]!)
    .subarray(0, o.batchSize);
  const edges = {
    source: seeds,
    target: Int32Array.from(seeds, (v) => f.graph.indices[f.graph.indptr[v]!]!),
  };
  const pass = (t: KernelTarget) => linkPass(t, f, edges, o);
  const g = await pass(gpuTarget), c = await pass(cpuTarget);
  const section = `correctness: WGSL against CPU, link prediction by edge weight and the ` +
    `hash-table sampler (${seeds.length} edges, 1 negative each, fan-out [${o.fanouts}])`;
  addChecks(report, section, [
    [
      "link blocks and nodes (weighted, own edges removed)",
      differingValues(g.linkBlocks, c.linkBlocks),
      "values",
      0,
    ],
    ["link input rows", differingValues([g.rows], [c.rows]), "values", 0],
    ["link loss and right-sign pairs", relativeDifference(g.loss, c.loss), RELATIVE, 1e-3],
    ["link gradients", relativeNormDifference(g.gradients, c.gradients), RELATIVE_NORM, 1e-3],
    ["hash-table blocks and nodes", differingValues(g.hashBlocks, c.hashBlocks), "values", 0],
  ]);
  const kernels = new Set([...g.kernels, ...c.kernels]);
  report.add({
    section,
    name: "kernels the pass ran",
    value: kernels.size,
    unit: "kernels",
    note: [...kernels].sort().join(", "),
  });
}

async function linkPass(
  t: KernelTarget,
  f: KernelFixture,
  edges: { source: Int32Array; target: Int32Array },
  o: StepReportOptions,
): Promise<LinkPass> {
  const { device } = t;
  const kernels = new Set<string>();
  const record = async <T>(run: () => Promise<T>): Promise<T> => {
    if (device instanceof CpuDevice) {
      const times = new Map<string, number>();
      device.kernelTimes = times;
      try {
        return await run();
      } finally {
        device.kernelTimes = undefined;
        for (const k of times.keys()) kernels.add(k);
      }
    }
    const timed = device instanceof WebGpuDevice && device.startTimestamps();
    const out = await run();
    if (timed) { for (const k of (await device.stopTimestamps()).keys()) kernels.add(k); }
    return out;
  };
  const sampler = new LocalSampler(device, t.graph, o.fanouts, t.weights);
  const nodes = new LocalMinibatchSource(device, sampler, new LocalFeatureStore(device, t.table));
  const links = new LinkMinibatchSource(device, nodes, edges, { numNodes: f.graph.numNodes });
  const model = new SageModel(device, {
    inDim: f.dim,
    hidden: o.hidden,
    outDim: o.hidden,
    numLayers: o.fanouts.length,
    seed: 3,
  });
  const trainable = linkTrainable(model, 0.003);
  const ids = Int32Array.from(edges.source, (_, i) => i);
  try {
    return await record(async () => {
      const batch = await links.next(ids, 5);
      try {
        const loss = trainable.forwardBackward(
          batch.blocks,
          batch.inputs,
          batch.target!.buffer,
          batch.target!.count,
        );
        const hostLoss = await device.read(loss, "f32");
        device.release(loss);
        const hash = await sampleBlocks(
          device,
          (frontier, n, fanout, s) => sampleNeighbors(device, t.graph, frontier, n, fanout, s),
          edges.source,
          o.fanouts,
          5,
        );
        try {
          return {
            linkBlocks: await hostBatch(device, batch),
            rows: await device.read(batch.inputs, "f32", 0, batch.numInput * f.dim),
            loss: hostLoss,
            gradients: await device.read(model.gradients, "f32"),
            hashBlocks: await hostBatch(device, hash),
            kernels,
          };
        } finally {
          hash.release();
        }
      } finally {
        batch.release();
      }
    });
  } finally {
    model.destroy();
    sampler.release();
  }
}

/** A minibatch's input nodes and every block's CSR, as host arrays. */
async function hostBatch(device: Device, batch: MiniBatch): Promise<Int32Array[]> {
  const out = [await device.read(batch.inputNodes, "i32", 0, batch.numInput)];
  for (const b of batch.blocks) {
    out.push(await device.read(b.indptr, "i32", 0, b.numDst + 1));
    out.push(await device.read(b.indices, "i32", 0, b.numEdges));
  }
  return out;
}
