import { type BenchReport, median } from "./_report.ts";
import { type KernelFixture, statsDelta } from "./_kernel_fixture.ts";

/** Targets of the kernel benchmarks (see bench/README.md). */
const SAMPLING_TARGET = 2;
const GATHER_TARGET = 0.3;

/**
 * Measures neighbour sampling and feature gather on every backend beside
 * plain single-thread TypeScript and the machine's copy bandwidth, and adds
 * the rows to `report`: throughput (median of `rounds` timed rounds after a
 * warm-up), ratios to the baselines with the targets, and the WebGPU
 * submissions and readbacks per call for one and for several batches.
 *
 * @example
 * ```ts ignore
 * import { BenchReport } from "./_report.ts";
 * import { KernelFixture } from "./_kernel_fixture.ts";
 * import { measureKernels } from "./_kernel_section.ts";
 * const report = new BenchReport();
 * const fixture = await KernelFixture.create({
 *   scale: 0.01, batchSize: 1024, batches: 2, fanout: 15, gatherIds: 1000,
 *   copyBytes: 1 << 20, cpuThreads: [1], webgpu: false,
 * });
 * await measureKernels(report, fixture, 3);
 * fixture.destroy();
 * console.log(report.table());
 * ```
 */
export async function measureKernels(
  report: BenchReport,
  fixture: KernelFixture,
  rounds: number,
): Promise<void> {
  await sampling(report, fixture, rounds);
  await gather(report, fixture, rounds);
  await roundTrips(report, fixture);
}

async function sampling(report: BenchReport, f: KernelFixture, rounds: number): Promise<void> {
  const { batches, batchSize, fanout } = f.options;
  const section =
    `sampling: fan-out ${fanout}, ${batches} batches of ${batchSize} random seeds, ${f.graph.numNodes} nodes / ${f.graph.indices.length} edges`;
  const edges = f.edges();
  const rate = (ms: number) => edges / ms / 1e3;
  const baseline = "plain TypeScript, 1 thread";
  const offsets = new Int32Array(batchSize + 1);
  const out = new Int32Array(batchSize * fanout);
  const plain = await timeRounds(rounds, () => {
    if (f.samplePlain(offsets, out) !== edges) throw new Error("plain sampler: wrong edge count");
  });
  report.add({ section, ...median(plain.map(rate)), name: baseline, unit: "M edges/s" });
  for (const t of f.targets) {
    const m = median((await timeRounds(rounds, () => f.sampleOn(t))).map(rate));
    const note = t.label === targetCpu(f)
      ? targetNote(m.value / report.find(section, baseline)!.value, SAMPLING_TARGET)
      : {};
    report.add({ section, ...m, name: t.label, unit: "M edges/s", ...note }, baseline);
    // Edge-weighted sampling on the same batches, as a ratio to uniform on the same backend.
    const w = median((await timeRounds(rounds, () => f.sampleOn(t, batches, true))).map(rate));
    report.add({ section, ...w, name: `${t.label}, edge-weighted`, unit: "M edges/s" }, t.label);
  }
}

async function gather(report: BenchReport, f: KernelFixture, rounds: number): Promise<void> {
  const section = `gather: ${f.gatherIds.length} random rows of ${f.dim} float32 (${
    (f.gatherBytes / 1e6).toFixed(0)
  } MB out) from a ${(f.features.byteLength / 1e6).toFixed(0)} MB table`;
  const copyName = `sequential copy, ${(f.options.copyBytes / 2 ** 20).toFixed(0)} MiB warm`;
  const src = new Uint8Array(f.options.copyBytes).fill(1);
  const dst = new Uint8Array(f.options.copyBytes).fill(2);
  const copy = await timeRounds(rounds, () => dst.set(src));
  report.add({
    section,
    ...median(copy.map((ms) => f.options.copyBytes / ms / 1e6)),
    name: copyName,
    unit: "GB/s",
    note: "Uint8Array.prototype.set",
  });
  const gbps = (ms: number) => f.gatherBytes / ms / 1e6;
  const out = new Float32Array(f.gatherIds.length * f.dim);
  const plain = await timeRounds(rounds, () => f.gatherPlain(out));
  report.add(
    { section, ...median(plain.map(gbps)), name: "plain TypeScript, 1 thread", unit: "GB/s" },
    copyName,
  );
  for (const t of f.targets) {
    const m = median((await timeRounds(rounds, () => f.gatherOn(t))).map(gbps));
    const note = t.label === targetCpu(f)
      ? targetNote(m.value / report.find(section, copyName)!.value, GATHER_TARGET)
      : {};
    report.add({ section, ...m, name: t.label, unit: "GB/s", ...note }, copyName);
  }
}

async function roundTrips(report: BenchReport, f: KernelFixture): Promise<void> {
  const gpu = f.targets.find((t) => t.device.kind === "webgpu");
  if (!gpu) return;
  const section = `webgpu round trips per call (${f.webgpuDescription})`;
  const n = f.batches.length;
  const cases: [string, () => Promise<void>, number][] = [
    ["sampling, 1 batch, 1 read", () => f.sampleOn(gpu, 1), 1],
    [`sampling, ${n} batches, 1 read`, () => f.sampleOn(gpu, n), 1],
    ["gather, 1 call, 1 read", () => f.gatherOn(gpu, 1), 1],
    [`gather, ${n} calls, 1 read`, () => f.gatherOn(gpu, n), 1],
  ];
  for (const [name, run, expected] of cases) {
    const before = { ...gpu.device.stats };
    await run();
    const d = statsDelta(before, gpu.device.stats);
    report.add({
      section,
      name,
      value: d.submissions,
      unit: "submissions",
      note: `${d.readbacks} readback${d.readbacks === 1 ? "" : "s"}, ${d.dispatches} dispatches${
        d.submissions === expected && d.readbacks === 1 ? "" : ` (expected ${expected} and 1)`
      }`,
    });
  }
}

/** The CPU target held to the targets: the one with the most threads. */
function targetCpu(f: KernelFixture): string | undefined {
  const most = Math.max(...f.options.cpuThreads);
  return f.targets.filter((t) => t.device.kind === "cpu")[f.options.cpuThreads.indexOf(most)]
    ?.label;
}

function targetNote(ratio: number, target: number): { note: string } {
  return { note: `target >= ${target}x: ${ratio >= target ? "met" : "MISSED"}` };
}

async function timeRounds(rounds: number, run: () => unknown): Promise<number[]> {
  await run(); // warm-up
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return ms;
}
