import { CpuDevice } from "../engine/cpu_device.ts";
import type { Device, DeviceBuffer } from "../engine/device.ts";
import { gatherRows } from "../engine/gather_rows.ts";
import { LocalSampler } from "../engine/local_sampler.ts";
import type { MiniBatch } from "../engine/sample_blocks.ts";
import { SageModel } from "../engine/sage_model.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";
import type { KernelFixture, KernelTarget } from "./_kernel_fixture.ts";
import { statsDelta } from "./_kernel_fixture.ts";
import type { BenchReport } from "./_report.ts";
import {
  addChecks,
  differingValues,
  RELATIVE,
  RELATIVE_NORM,
  relativeDifference,
  relativeNormDifference,
} from "./_compare.ts";

/** Sizes of the training-step rows of the report. */
export interface StepReportOptions {
  readonly fanouts: readonly number[];
  /** Seeds per minibatch on WebGPU (the CPU backend uses the same). */
  readonly batchSize: number;
  readonly hidden: number;
}

const PHASES = ["sampling", "gather", "forward", "forward + backward", "Adam"] as const;
type Phase = typeof PHASES[number];

/** One training step split into phases on one device: wall ms and per-kernel device ms. */
interface StepProfile {
  readonly wall: Map<Phase, number>;
  /** GPU time per kernel (WebGPU timestamps), or CPU time per kernel (dispatch wall time). */
  readonly kernels: Map<Phase, Map<string, { calls: number; ms: number }>>;
  readonly stepStats: { submissions: number; readbacks: number };
  readonly batchStats: { submissions: number; readbacks: number };
  /** Host copies for the correctness pass. */
  readonly host: {
    readonly nodes: Int32Array;
    readonly blocks: Int32Array[];
    readonly rows: Float32Array;
    readonly logits: Float32Array;
    readonly loss: Float32Array;
    readonly gradients: Float32Array;
    readonly parameters: Float32Array;
  };
}

/**
 * What a GPU adapter is judged by, beside the CPU backend on the same
 * minibatch: a training step split into phases (sampling, gather, forward,
 * backward, Adam) by GPU timestamp queries, each kernel's GPU time in the
 * step beside its CPU time, submissions and readbacks per step and per
 * minibatch, and a correctness pass: the sampled blocks, the gathered rows,
 * the forward logits, the loss and the parameters after one Adam step on
 * WebGPU compared with the CPU backend, and which kernels the pass ran. The
 * adapter's name and limits go in `report.adapter`.
 *
 * @example
 * ```ts ignore
 * await measureGpuReport(report, fixture, { fanouts: [15, 10, 5], batchSize: 1024, hidden: 256 });
 * ```
 */
export async function measureGpuReport(
  report: BenchReport,
  f: KernelFixture,
  options: StepReportOptions,
): Promise<void> {
  const gpuTarget = f.targets.find((t) => t.device instanceof WebGpuDevice);
  const cpuTarget = f.targets.find((t) => t.device instanceof CpuDevice);
  if (!gpuTarget || !cpuTarget) throw new Error("the GPU report needs a WebGPU adapter");
  const gpu = gpuTarget.device as WebGpuDevice;
  report.adapter = gpu.adapterReport();
  const seeds = f.trainSeeds.subarray(0, options.batchSize);
  const timed = gpu.startTimestamps();
  if (timed) await gpu.stopTimestamps();
  const g = await profileStep(gpuTarget, f, seeds, options);
  const c = await profileStep(cpuTarget, f, seeds, options);
  const config = `batch ${seeds.length}, fan-out [${options.fanouts}], hidden ${options.hidden}`;
  const phases = `training step phases (${config}): device time, ${
    timed ? "WebGPU by GPU timestamp queries" : "WebGPU has no timestamp-query: wall time"
  }, CPU by kernel`;
  const sum = (m: Map<string, { ms: number }> | undefined) =>
    [...(m ?? new Map()).values()].reduce((s, x) => s + x.ms, 0);
  const phaseMs = (p: StepProfile, phase: Phase) =>
    timed || p === c ? sum(p.kernels.get(phase)) : p.wall.get(phase)!;
  for (const phase of [...PHASES, "backward"] as const) {
    const of = (p: StepProfile) =>
      phase === "backward"
        ? phaseMs(p, "forward + backward") - phaseMs(p, "forward")
        : phaseMs(p, phase);
    const cpuMs = of(c);
    report.add({ section: phases, name: `${phase}: cpu`, value: cpuMs, unit: "ms" });
    report.add({
      section: phases,
      name: `${phase}: webgpu`,
      value: of(g),
      unit: "ms",
      note: phase === "backward"
        ? "forward + backward less forward"
        : `wall ${(g.wall.get(phase) ?? 0).toFixed(1)} ms`,
    }, `${phase}: cpu`);
  }
  const kernels = `kernels of one training step (${config}): device ms per step`;
  const all = (p: StepProfile) => {
    const m = new Map<string, { calls: number; ms: number }>();
    for (const k of p.kernels.values()) {
      for (const [name, t] of k) {
        const s = m.get(name) ?? { calls: 0, ms: 0 };
        m.set(name, { calls: s.calls + t.calls, ms: s.ms + t.ms });
      }
    }
    return m;
  };
  const gk = all(g), ck = all(c);
  for (const [name, t] of [...ck].sort((a, b) => b[1].ms - a[1].ms)) {
    report.add({ section: kernels, name: `${name}: cpu`, value: t.ms, unit: "ms" });
    const w = gk.get(name);
    if (timed && w) {
      report.add({
        section: kernels,
        name: `${name}: webgpu`,
        value: w.ms,
        unit: "ms",
        note: `${w.calls} dispatches`,
      }, `${name}: cpu`);
    }
  }
  const trips = `webgpu round trips (${config})`;
  const cases = [
    ["training step and its loss read", g.stepStats],
    ["minibatch: sampling and gather", g.batchStats],
  ] as const;
  for (const [name, s] of cases) {
    report.add({
      section: trips,
      name: `${name}: submissions`,
      value: s.submissions,
      unit: "count",
    });
    report.add({ section: trips, name: `${name}: readbacks`, value: s.readbacks, unit: "count" });
  }
  correctness(report, g, c, ck, config);
}

/** Adds the rows comparing WebGPU's results with the CPU backend's. */
function correctness(
  report: BenchReport,
  g: StepProfile,
  c: StepProfile,
  covered: Map<string, unknown>,
  config: string,
): void {
  const section = `correctness: WGSL against CPU on the same minibatch (${config})`;
  addChecks(report, section, [
    [
      "sampled blocks and input nodes",
      differingValues([...g.host.blocks, g.host.nodes], [...c.host.blocks, c.host.nodes]),
      "values",
      0,
    ],
    ["gathered input rows", differingValues([g.host.rows], [c.host.rows]), "values", 0],
    ["forward logits", relativeDifference(g.host.logits, c.host.logits), RELATIVE, 1e-3],
    ["loss and correct count", relativeDifference(g.host.loss, c.host.loss), RELATIVE, 1e-3],
    [
      "gradients",
      relativeNormDifference(g.host.gradients, c.host.gradients),
      RELATIVE_NORM,
      1e-3,
    ],
    // Adam's first step moves every parameter by about lr * g / (|g| + eps),
    // so a gradient near 0 whose sign or size differs between backends in
    // its last bits moves it by anything up to 2 lr: the parameters agree
    // when no difference exceeds that (the gradients above carry the check).
    [
      "parameters after one Adam step",
      maxDiff(g.host.parameters, c.host.parameters),
      "abs",
      2 * LR,
    ],
  ]);
  report.add({
    section,
    name: "kernels the pass ran",
    value: covered.size,
    unit: "kernels",
    note: [...covered.keys()].sort().join(", "),
  });
}

/** Runs a warm-up step, then one step phase by phase, on `t`. */
async function profileStep(
  t: KernelTarget,
  f: KernelFixture,
  seeds: Int32Array,
  o: StepReportOptions,
): Promise<StepProfile> {
  const { device } = t;
  const ds = f.dataset;
  const sampler = new LocalSampler(device, t.graph, o.fanouts);
  const model = new SageModel(device, {
    inDim: f.dim,
    hidden: o.hidden,
    outDim: ds.numClasses,
    numLayers: o.fanouts.length,
    seed: 3,
  });
  const labels = device.createBuffer(seeds.byteLength, "labels");
  device.write(labels, Int32Array.from(seeds, (v) => ds.labels[v]!));
  const prepare = async () => {
    const batch = await sampler.sample(seeds, 5);
    const inputs = device.createBuffer(batch.numInput * f.dim * 4, "inputs", "uninitialised");
    gatherRows(device, t.table, batch.inputNodes, inputs, batch.numInput);
    return { batch, inputs };
  };
  // Warm-up: every kernel compiled, every buffer class pooled, outside
  // timing; then the round trips of one minibatch and of one plain step.
  let stats = { ...device.stats };
  const warm = await prepare();
  await device.read(warm.inputs, "f32", 0, 1);
  const batchStats = statsDelta(stats, device.stats);
  const warmLogits = model.predict(warm.batch.blocks, warm.inputs);
  await device.read(warmLogits, "f32", 0, 1);
  device.release(warmLogits);
  stats = { ...device.stats };
  const warmLoss = model.trainStep(warm.batch.blocks, warm.inputs, labels, seeds.length, { lr: 0 });
  await device.read(warmLoss, "f32");
  const stepStats = statsDelta(stats, device.stats);
  device.release(warmLoss);
  device.release(warm.inputs);
  warm.batch.release();
  const wall = new Map<Phase, number>();
  const kernels = new Map<Phase, Map<string, { calls: number; ms: number }>>();
  const phase = async <T>(name: Phase, run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const cpuTimes = device instanceof CpuDevice ? new Map<string, number>() : undefined;
    if (device instanceof CpuDevice) device.kernelTimes = cpuTimes;
    if (device instanceof WebGpuDevice) device.startTimestamps();
    const out = await run();
    if (device instanceof WebGpuDevice) kernels.set(name, await device.stopTimestamps());
    wall.set(name, performance.now() - start);
    if (device instanceof CpuDevice) {
      device.kernelTimes = undefined;
      kernels.set(name, new Map([...cpuTimes!].map(([k, ms]) => [k, { calls: 1, ms }])));
    }
    return out;
  };
  const batch = await phase("sampling", () => sampler.sample(seeds, 5));
  const inputs = device.createBuffer(batch.numInput * f.dim * 4, "inputs", "uninitialised");
  await phase("gather", async () => {
    gatherRows(device, t.table, batch.inputNodes, inputs, batch.numInput);
    await device.read(inputs, "f32", 0, 1);
  });
  const logits = await phase("forward", async () => {
    const out = model.predict(batch.blocks, inputs);
    return await readAll(device, out);
  });
  const loss = await phase("forward + backward", async () => {
    const l = model.forwardBackward(batch.blocks, inputs, labels, seeds.length);
    return await readAll(device, l);
  });
  await phase("Adam", async () => {
    model.applyGradients({ lr: LR });
    await device.read(model.parameters, "f32", 0, 1);
  });
  const host = {
    nodes: await device.read(batch.inputNodes, "i32", 0, batch.numInput),
    blocks: await hostBlocks(device, batch),
    rows: await device.read(inputs, "f32", 0, batch.numInput * f.dim),
    logits,
    loss,
    gradients: await device.read(model.gradients, "f32"),
    parameters: await device.read(model.parameters, "f32"),
  };
  batch.release();
  device.release(inputs);
  device.release(labels);
  sampler.release();
  return { wall, kernels, stepStats, batchStats, host };
}

/** The learning rate of the measured step (the correctness pass bounds its Adam step by it). */
const LR = 0.003;

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(diff) ? Infinity : diff;
}

async function readAll(device: Device, buffer: DeviceBuffer): Promise<Float32Array> {
  const out = await device.read(buffer, "f32");
  device.release(buffer);
  return out;
}

async function hostBlocks(device: Device, batch: MiniBatch): Promise<Int32Array[]> {
  const out: Int32Array[] = [];
  for (const b of batch.blocks) {
    out.push(await device.read(b.indptr, "i32", 0, b.numDst + 1));
    out.push(await device.read(b.indices, "i32", 0, b.numEdges));
  }
  return out;
}
