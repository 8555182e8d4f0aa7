// `deno task bench`: runs the benchmark sections, prints one table and, with
// --json=path, writes the same figures as JSON so runs can be compared.
// `deno task bench --help` lists the flags (`_flags.ts`).
import { runCommand } from "../cli/run_command.ts";
import { measureDense } from "./_dense_section.ts";
import { parseBenchFlags } from "./_flags.ts";
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
  const { rounds, denseRows } = flags;
  const report = new BenchReport({
    ...options,
    cpuThreads: options.cpuThreads.join(","),
    rounds,
    denseRows,
  });

  // Sections run one after another; each adds its rows to the same report.
  const sections: ((report: BenchReport) => Promise<void>)[] = [
    (r) => measureKernels(r, options, rounds),
    (r) => measureDense(r, { rows: denseRows, cpuThreads: options.cpuThreads }, rounds),
  ];
  for (const section of sections) await section(report);

  console.log(report.table());
  if (flags.json) {
    await report.writeJson(flags.json);
    console.log(`\nwrote ${flags.json}`);
  }
});
