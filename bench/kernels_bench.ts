// Sampling and gather kernels under `deno bench`: every backend beside plain
// single-thread TypeScript and a sequential copy, on a products-like graph.
// deno bench reports time per iteration; the throughput of each case's best
// iteration is printed when the run ends. `deno task bench` (bench/main.ts)
// measures the same cases and prints them as one table with ratios.
import { KernelFixture, type KernelTarget } from "./_kernel_fixture.ts";

const fixture = await KernelFixture.create({
  scale: 0.1,
  batchSize: 4096,
  batches: 8,
  fanout: 15,
  gatherIds: 100_000,
  copyBytes: 256 * 2 ** 20,
  cpuThreads: [Math.max(2, navigator.hardwareConcurrency), 1],
  webgpu: true,
});
const { batches, batchSize, fanout } = fixture.options;
const edges = fixture.edges();
const best = new Map<string, string>();
globalThis.addEventListener("unload", () => {
  console.log("\nthroughput (best iteration):");
  for (const [name, rate] of best) console.log(`  ${rate.padStart(18)}  ${name}`);
  fixture.destroy();
});

/** Times one iteration and keeps the case's best throughput. */
async function timed(name: string, work: number, unit: string, run: () => unknown) {
  const t = performance.now();
  await run();
  const rate = work / (performance.now() - t) / 1e3;
  const [previous] = (best.get(name) ?? "0").split(" ");
  if (rate > Number(previous)) best.set(name, `${rate.toFixed(rate < 10 ? 3 : 1)} ${unit}`);
}

const sampling = `sampling: ${batches} x ${batchSize} seeds, fan-out ${fanout} (${edges} edges)`;
const offsets = new Int32Array(batchSize + 1);
const sampled = new Int32Array(batchSize * fanout);
const plainSampling = "sampling, plain TypeScript, 1 thread";
Deno.bench(plainSampling, { group: sampling, baseline: true, n: 10, warmup: 2 }, async () => {
  await timed(plainSampling, edges, "M edges/s", () => fixture.samplePlain(offsets, sampled));
});
const name = (what: string, t: KernelTarget) => `${what}, ${t.label}`;
for (const t of fixture.targets) {
  Deno.bench(name("sampling", t), { group: sampling, n: 10, warmup: 2 }, async () => {
    await timed(name("sampling", t), edges, "M edges/s", () => fixture.sampleOn(t));
  });
  const weighted = name("edge-weighted sampling", t);
  Deno.bench(weighted, { group: sampling, n: 10, warmup: 2 }, async () => {
    await timed(weighted, edges, "M edges/s", () => fixture.sampleOn(t, batches, true));
  });
}

const mb = fixture.gatherBytes / 1e6;
const kb = fixture.gatherBytes / 1e3;
const gather = `gather: ${fixture.gatherIds.length} rows of ${fixture.dim} float32 (${
  mb.toFixed(0)
} MB)`;
const src = new Uint8Array(fixture.options.copyBytes).fill(1);
const dst = new Uint8Array(fixture.options.copyBytes).fill(2);
const copy = `sequential copy, ${fixture.options.copyBytes / 2 ** 20} MiB (Uint8Array.set)`;
Deno.bench(copy, { group: gather, n: 10, warmup: 2 }, async () => {
  await timed(copy, fixture.options.copyBytes / 1e3, "GB/s", () => dst.set(src));
});
const out = new Float32Array(fixture.gatherIds.length * fixture.dim);
const plainGather = "gather, plain TypeScript, 1 thread";
Deno.bench(plainGather, { group: gather, baseline: true, n: 10, warmup: 2 }, async () => {
  await timed(plainGather, kb, "GB/s", () => fixture.gatherPlain(out));
});
for (const t of fixture.targets) {
  Deno.bench(name("gather", t), { group: gather, n: 10, warmup: 2 }, async () => {
    await timed(name("gather", t), kb, "GB/s", () => fixture.gatherOn(t));
  });
}
