// The training-step report: steps per second of a GraphSAGE step on both
// backends, the GFLOP/s of its dense products, the share of the step spent in
// them, the per-kernel breakdown on the CPU backend, and a plain TypeScript
// matmul measured in the same run for scale.
import { CpuDevice } from "../engine/cpu_device.ts";
import type { MiniBatch } from "../engine/sample_blocks.ts";
import { SageModel } from "../engine/sage_model.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";
import type { NodeDataset } from "../engine/dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { prepareSteps, timedStep } from "./_train_step_setup.ts";

/** What `trainStepReport()` measures (defaults: the target configuration). */
export interface TrainStepReportOptions {
  /** Scale of the synthetic products-like graph (default 0.0817, about 200,000 nodes). */
  readonly scale?: number;
  readonly fanouts?: readonly number[];
  readonly batch?: number;
  readonly hidden?: number;
  /** Timed CPU steps after one warm-up step (default 5). */
  readonly steps?: number;
  /** Threads of the CPU backend (default: all cores). */
  readonly threads?: number;
  /** Batch for the WebGPU backend, 0 to skip it (default 64: the software adapter is slow). */
  readonly webgpuBatch?: number;
  /** Timed WebGPU steps after one warm-up step (default 2). */
  readonly webgpuSteps?: number;
  /** An already generated dataset, to skip generation. */
  readonly dataset?: NodeDataset;
}

/** One row of the report's table. */
export interface TrainStepRow {
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

/** FLOPs of the dense products of one training step (forward, weight and input gradients). */
export function denseFlops(
  batch: MiniBatch,
  dims: readonly number[],
): number {
  let flops = 0;
  batch.blocks.forEach((b, l) => {
    const one = 2 * b.numDst * 2 * dims[l]! * dims[l + 1]!;
    flops += one * (l === 0 ? 2 : 3);
  });
  return flops;
}

/** GFLOP/s of a plain one-thread TypeScript matmul (i-k-j loop) at a layer's shape. */
export function plainMatmulGflops(m: number, n: number, k: number): number {
  const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const c = new Float32Array(m * n);
  const t = performance.now();
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p]!;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[row + j]! += x * b[bRow + j]!;
    }
  }
  return 2 * m * n * k / (performance.now() - t) / 1e6;
}

/**
 * Measures GraphSAGE training steps on the synthetic products-like graph:
 * on the CPU backend at the full configuration (steps/s, dense GFLOP/s
 * within the step, dense share, milliseconds per kernel), on the WebGPU
 * backend (software adapter: smaller batch) when an adapter exists, and a
 * plain TypeScript matmul for scale.
 *
 * @example
 * ```ts ignore
 * import { trainStepReport } from "./train_step_report.ts";
 * console.table(await trainStepReport({ scale: 0.005, batch: 128, steps: 1, webgpuBatch: 0 }));
 * ```
 */
export async function trainStepReport(
  options: TrainStepReportOptions = {},
): Promise<TrainStepRow[]> {
  const fanouts = options.fanouts ?? [15, 10, 5];
  const batchSize = options.batch ?? 1024;
  const hidden = options.hidden ?? 256;
  const steps = options.steps ?? 5;
  const dataset = options.dataset ??
    generateSynthetic({ scale: options.scale ?? 0.0817, seed: 0, quiet: true });
  const dims = [
    dataset.featureDim,
    ...fanouts.slice(1).map(() => hidden),
    dataset.numClasses,
  ];
  const rows: TrainStepRow[] = [];
  const config =
    `fan-out [${fanouts}], batch ${batchSize}, hidden ${hidden}, ${dataset.graph.numNodes} nodes`;

  const threads = options.threads ? { threads: options.threads } : {};
  const cpu = await cpuSteps({ ...threads }, dataset, fanouts, batchSize, hidden, steps, dims);
  const plain = await cpuSteps(
    { ...threads, wasm: false },
    dataset,
    fanouts,
    batchSize,
    hidden,
    steps,
    dims,
  );
  const dense = cpu.times.get("matmul") ?? 0;
  const where = `${cpu.description}, ${config}, ~${Math.round(cpu.inputs / steps)} input rows`;
  rows.push(
    { measure: "cpu: steps/s", value: 1000 * steps / cpu.total, unit: "1/s", note: where },
    {
      measure: "cpu: step time",
      value: cpu.total / steps,
      unit: "ms",
      note: "forward+backward+Adam",
    },
    {
      measure: "cpu: dense GFLOP/s in the step",
      value: cpu.flops / dense / 1e6,
      unit: "GFLOP/s",
      note: "OpenBLAS sgemm, FLOPs from the block shapes",
    },
    {
      measure: "cpu: dense share of the step",
      value: 100 * dense / cpu.total,
      unit: "%",
      note: "time in matmul dispatches / step wall time",
    },
  );
  const kernels = [...cpu.times].sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of kernels) {
    rows.push({
      measure: `cpu kernel: ${name}`,
      value: ms / steps,
      unit: "ms/step",
      note: `${(100 * ms / cpu.total).toFixed(1)}% of the step`,
    });
  }
  const kernelMs = kernels.reduce((s, [, ms]) => s + ms, 0);
  rows.push(
    {
      measure: "cpu: outside kernels",
      value: (cpu.total - kernelMs) / steps,
      unit: "ms/step",
      note: "recording, pool, loss read",
    },
    {
      measure: "cpu, TypeScript kernels only: step time",
      value: plain.total / steps,
      unit: "ms",
      note: `${plain.description}: the same steps without the WebAssembly kernels`,
    },
    {
      measure: "cpu, TypeScript kernels only: dense share",
      value: 100 * (plain.times.get("matmul") ?? 0) / plain.total,
      unit: "%",
      note: `WebAssembly kernels make the step ${(plain.total / cpu.total).toFixed(2)}x faster`,
    },
  );

  const gpuBatch = options.webgpuBatch ?? 64;
  if (gpuBatch > 0) {
    const gpu = await WebGpuDevice.create();
    if (!gpu) {
      rows.push({ measure: "webgpu: steps/s", value: NaN, unit: "1/s", note: "no adapter" });
    } else {
      try {
        const gpuSteps = options.webgpuSteps ?? 2;
        const { items, release } = await prepareSteps(
          gpu,
          dataset,
          fanouts,
          gpuBatch,
          gpuSteps + 1,
        );
        const model = new SageModel(gpu, {
          inDim: dataset.featureDim,
          hidden,
          outDim: dataset.numClasses,
          numLayers: fanouts.length,
        });
        await timedStep(gpu, model, items[0]!); // compiles every pipeline
        let total = 0, flops = 0, inputs = 0;
        for (const p of items.slice(1)) {
          total += await timedStep(gpu, model, p);
          flops += denseFlops(p.batch, dims);
          inputs += p.batch.numInput;
        }
        const note = `${gpu.description}, batch ${gpuBatch} (smaller: software adapter), ~${
          Math.round(inputs / gpuSteps)
        } input rows`;
        rows.push(
          { measure: "webgpu: steps/s", value: 1000 * gpuSteps / total, unit: "1/s", note },
          {
            measure: "webgpu: step time",
            value: total / gpuSteps,
            unit: "ms",
            note: "forward+backward+Adam, loss read back",
          },
          {
            measure: "webgpu: dense GFLOP/s, whole step",
            value: flops / total / 1e6,
            unit: "GFLOP/s",
            note: "dense FLOPs / step time (no per-kernel timing on this backend)",
          },
        );
        model.destroy();
        release();
      } finally {
        gpu.destroy();
      }
    }
  }

  rows.push({
    measure: "plain TypeScript matmul",
    value: plainMatmulGflops(1024, 256, 512),
    unit: "GFLOP/s",
    note: "one thread, 1024x512 * 512x256, i-k-j loop",
  });
  return rows;
}

/** Timed CPU training steps (after one warm-up step) with per-kernel times. */
async function cpuSteps(
  options: ConstructorParameters<typeof CpuDevice>[0],
  dataset: NodeDataset,
  fanouts: readonly number[],
  batchSize: number,
  hidden: number,
  steps: number,
  dims: readonly number[],
) {
  const cpu = new CpuDevice(options);
  try {
    const { items, release } = await prepareSteps(cpu, dataset, fanouts, batchSize, steps + 1);
    const model = new SageModel(cpu, {
      inDim: dataset.featureDim,
      hidden,
      outDim: dataset.numClasses,
      numLayers: fanouts.length,
    });
    await timedStep(cpu, model, items[0]!); // warm-up: first touch of the pooled buffers
    const times = new Map<string, number>();
    cpu.kernelTimes = times;
    let total = 0, flops = 0, inputs = 0;
    for (const p of items.slice(1)) {
      total += await timedStep(cpu, model, p);
      flops += denseFlops(p.batch, dims);
      inputs += p.batch.numInput;
    }
    cpu.kernelTimes = undefined;
    model.destroy();
    release();
    return { description: cpu.description, total, flops, inputs, times };
  } finally {
    cpu.destroy();
  }
}

if (import.meta.main) {
  const rows = await trainStepReport();
  console.table(rows.map((r) => ({ ...r, value: Number(r.value.toFixed(2)) })));
}
