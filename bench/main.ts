// `deno task bench`: runs the benchmark sections, prints one table and, with
// --json=path, writes the same figures as JSON so runs can be compared.
// `deno task bench --help` lists the flags (`_flags.ts`).
//
// --report=DIR also measures a training step on WebGPU beside the CPU backend
// (phases by GPU timestamp queries, every kernel's time, round trips, a
// WGSL-against-CPU correctness pass, the adapter's name and limits) and
// writes DIR/bench.json and DIR/bench.md; it fails without a WebGPU adapter.
import { runCommand } from "../cli/run_command.ts";
import { measureDense } from "./_dense_section.ts";
import { measureDataPath } from "./_data_path_section.ts";
import { type BenchSection, parseBenchFlags } from "./_flags.ts";
import { measureGpuReport } from "./_gpu_report_section.ts";
import { measureLinkCorrectness } from "./_link_report_section.ts";
import { KernelFixture } from "./_kernel_fixture.ts";
import { measureKernels } from "./_kernel_section.ts";
import { BenchReport } from "./_report.ts";

await runCommand("bench", async () => {
  const flags = parseBenchFlags(Deno.args);
  const options = {
    scale: flags.scale,
    batchSize: flags.batch,
    batches: flags.batches,
    fanout: flags.fanout,
    gatherIds: flags.gatherIds,
    copyBytes: flags.copyMib * 2 ** 20,
    cpuThreads: [Math.max(2, navigator.hardwareConcurrency), 1],
    webgpu: flags.webgpu,
  };
  const { rounds, denseRows, fanouts } = flags;
  const dataPath = { batchSize: flags.minibatch, fanouts, batches: flags.minibatches, rounds };
  const report = new BenchReport({
    ...options,
    cpuThreads: options.cpuThreads.join(","),
    rounds,
    denseRows,
    minibatch: dataPath.batchSize,
    fanouts: fanouts.join(","),
    minibatches: dataPath.batches,
    only: flags.only.join(","),
  });
  const runs = (section: BenchSection) => flags.only.includes(section);

  // Sections run one after another; each adds its rows to the same report.
  // The kernel and data-path sections share one graph and its devices.
  if (runs("kernels") || runs("data_path") || flags.report !== undefined) {
    const fixture = await KernelFixture.create(options);
    try {
      if (flags.report !== undefined && !fixture.webgpuDescription) {
        throw new Error(`--report=${flags.report}: no WebGPU adapter was found`);
      }
      if (runs("kernels")) await measureKernels(report, fixture, rounds);
      if (runs("data_path")) await measureDataPath(report, fixture, dataPath);
      if (flags.report !== undefined) {
        // A software adapter runs a full-size step for minutes: a smaller batch there.
        const software = fixture.webgpuDescription!.includes("software");
        const batchSize = flags.stepBatch ?? (software ? 32 : 1024);
        await measureGpuReport(report, fixture, { fanouts, batchSize, hidden: 256 });
        await measureLinkCorrectness(report, fixture, { fanouts, batchSize, hidden: 64 });
      }
    } finally {
      fixture.destroy();
    }
  }
  // The dense products run on the CPU backend alone: not part of a GPU report.
  if (flags.report === undefined && runs("dense")) {
    await measureDense(report, { rows: denseRows, cpuThreads: options.cpuThreads }, rounds);
  }

  console.log(report.table());
  if (flags.json) {
    await report.writeJson(flags.json);
    console.log(`\nwrote ${flags.json}`);
  }
  if (flags.report !== undefined) {
    await Deno.mkdir(flags.report, { recursive: true });
    await report.writeJson(`${flags.report}/bench.json`);
    await Deno.writeTextFile(`${flags.report}/bench.md`, report.markdown());
    console.log(`\nwrote ${flags.report}/bench.json and ${flags.report}/bench.md`);
  }
  if (report.failures.length > 0) {
    throw new Error(`${report.failures.length} check(s) failed:\n${report.failures.join("\n")}`);
  }
});
