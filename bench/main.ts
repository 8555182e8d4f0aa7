// `deno task bench`: runs the benchmark sections, prints one table and, with
// --json=path, writes the same figures as JSON so runs can be compared.
//
//   deno run -A bench/main.ts [--scale=0.0817] [--batch=4096] [--batches=8]
//     [--gather_ids=100000] [--dense_rows=4096] [--rounds=5] [--no-webgpu] [--json=path]
//     [--minibatch=1024] [--fanouts=15,10,5] [--minibatches=8] [--report=DIR]
//
// --report=DIR also measures a training step on WebGPU beside the CPU backend
// (phases by GPU timestamp queries, every kernel's time, round trips, a
// WGSL-against-CPU correctness pass, the adapter's name and limits) and
// writes DIR/bench.json and DIR/bench.md; it fails without a WebGPU adapter.
import { parseArgs } from "node:util";
import { measureDense } from "./_dense_section.ts";
import { measureDataPath } from "./_data_path_section.ts";
import { measureGpuReport } from "./_gpu_report_section.ts";
import { KernelFixture } from "./_kernel_fixture.ts";
import { measureKernels } from "./_kernel_section.ts";
import { BenchReport } from "./_report.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    scale: { type: "string", default: "0.0817" },
    batch: { type: "string", default: "4096" },
    batches: { type: "string", default: "8" },
    fanout: { type: "string", default: "15" },
    gather_ids: { type: "string", default: "100000" },
    dense_rows: { type: "string", default: "4096" },
    copy_mib: { type: "string", default: "256" },
    rounds: { type: "string", default: "5" },
    minibatch: { type: "string", default: "1024" },
    fanouts: { type: "string", default: "15,10,5" },
    minibatches: { type: "string", default: "8" },
    "no-webgpu": { type: "boolean", default: false },
    json: { type: "string" },
    report: { type: "string" },
    step_batch: { type: "string" },
  },
});

function positive(name: string, text: string): number {
  const x = Number(text);
  if (!(x > 0)) throw new RangeError(`--${name}=${text}: expected a positive number`);
  return x;
}

const options = {
  scale: positive("scale", values.scale),
  batchSize: positive("batch", values.batch),
  batches: positive("batches", values.batches),
  fanout: positive("fanout", values.fanout),
  gatherIds: positive("gather_ids", values.gather_ids),
  copyBytes: positive("copy_mib", values.copy_mib) * 2 ** 20,
  cpuThreads: [Math.max(2, navigator.hardwareConcurrency), 1],
  webgpu: !values["no-webgpu"],
};
const rounds = positive("rounds", values.rounds);
const denseRows = positive("dense_rows", values.dense_rows);
const fanouts = values.fanouts.split(",").map((x) => positive("fanouts", x));
const dataPath = {
  batchSize: positive("minibatch", values.minibatch),
  fanouts,
  batches: positive("minibatches", values.minibatches),
  rounds,
};
const report = new BenchReport({
  ...options,
  cpuThreads: options.cpuThreads.join(","),
  rounds,
  denseRows,
  minibatch: dataPath.batchSize,
  fanouts: values.fanouts,
  minibatches: dataPath.batches,
});

// Sections run one after another; each adds its rows to the same report.
// The kernel and data-path sections share one graph and its devices.
if (values.report !== undefined && !options.webgpu) {
  throw new RangeError("--report measures WebGPU: it cannot go with --no-webgpu");
}
const fixture = await KernelFixture.create(options);
try {
  if (values.report !== undefined && !fixture.webgpuDescription) {
    throw new Error(`--report=${values.report}: no WebGPU adapter was found`);
  }
  await measureKernels(report, fixture, rounds);
  await measureDataPath(report, fixture, dataPath);
  if (values.report !== undefined) {
    // A software adapter runs a full-size step for minutes: a smaller batch there.
    const software = fixture.webgpuDescription!.includes("software");
    const batchSize = positive("step_batch", values.step_batch ?? (software ? "32" : "1024"));
    await measureGpuReport(report, fixture, { fanouts, batchSize, hidden: 256 });
  }
} finally {
  fixture.destroy();
}
// The dense products run on the CPU backend alone: not part of a GPU report.
if (values.report === undefined) {
  await measureDense(report, { rows: denseRows, cpuThreads: options.cpuThreads }, rounds);
}

console.log(report.table());
if (values.json) {
  await report.writeJson(values.json);
  console.log(`\nwrote ${values.json}`);
}
if (values.report !== undefined) {
  await Deno.mkdir(values.report, { recursive: true });
  await report.writeJson(`${values.report}/bench.json`);
  await Deno.writeTextFile(`${values.report}/bench.md`, report.markdown());
  console.log(`\nwrote ${values.report}/bench.json and ${values.report}/bench.md`);
}
if (report.failures.length > 0) {
  console.error(`\n${report.failures.length} check(s) failed:\n${report.failures.join("\n")}`);
  Deno.exit(1);
}
