// GraphSAGE training steps per second on both backends (fan-out [15,10,5],
// hidden 256, synthetic products-like graph of about 200,000 nodes; batch
// 1024 on the CPU, 64 on the WebGPU software adapter), beside a plain
// TypeScript matmul. When the run ends, prints the full report: dense
// GFLOP/s inside the step, the share of the step in dense products and the
// time per kernel on the CPU backend.
import { CpuDevice } from "../engine/cpu_device.ts";
import { SageModel } from "../engine/sage_model.ts";
import { WebGpuDevice } from "../engine/webgpu_device.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { prepareSteps, timedStep } from "./_train_step_setup.ts";
import { plainMatmulGflops, trainStepReport } from "./train_step_report.ts";

const FANOUTS = [15, 10, 5];
const dataset = generateSynthetic({ scale: 0.0817, seed: 0, quiet: true });
const report = await trainStepReport({ dataset, fanouts: FANOUTS });
const devices: { destroy(): void }[] = [];
globalThis.addEventListener("unload", () => {
  console.table(report.map((r) => ({ ...r, value: Number(r.value.toFixed(2)) })));
  for (const d of devices) d.destroy();
});

const modelOptions = { inDim: dataset.featureDim, outDim: dataset.numClasses, hidden: 256 };
const cpu = new CpuDevice();
devices.push(cpu);
const cpuSteps = await prepareSteps(cpu, dataset, FANOUTS, 1024, 4);
const cpuModel = new SageModel(cpu, modelOptions);
let k = 0;
Deno.bench(`train step, cpu (${cpu.description}), batch 1024`, { n: 6, warmup: 1 }, async () => {
  await timedStep(cpu, cpuModel, cpuSteps.items[k++ % cpuSteps.items.length]!);
});

const gpu = await WebGpuDevice.create();
if (gpu) {
  devices.push(gpu);
  const gpuSteps = await prepareSteps(gpu, dataset, FANOUTS, 64, 2);
  const gpuModel = new SageModel(gpu, modelOptions);
  await timedStep(gpu, gpuModel, gpuSteps.items[0]!); // compile every pipeline first
  let g = 0;
  Deno.bench(
    `train step, webgpu (${gpu.description}), batch 64`,
    { n: 2, warmup: 0 },
    async () => {
      await timedStep(gpu, gpuModel, gpuSteps.items[g++ % gpuSteps.items.length]!);
    },
  );
}

Deno.bench("plain TypeScript matmul, 1024x512 * 512x256, one thread", { n: 2, warmup: 0 }, () => {
  plainMatmulGflops(1024, 256, 512);
});
