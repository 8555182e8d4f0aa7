// Epoch time and its split for one node against two nodes on this machine,
// on the same synthetic graph, and the share of an epoch spent sampling and
// looking up features (GLT reports 34% on its 2-node run, DistDGL 71%).
//
//   deno run -A bench/cluster_epoch.ts [--scale=0.02] [--epochs=4] [--batch=512] [--json=path]
//     [--cache_ratio=0.2] [--prefetch=2] [--cpu_threads=N]
//
// The partitions keep a hot-feature cache of --cache_ratio (the partition
// command's default). Each node's CPU backend gets --cpu_threads threads
// (default: runLocalCluster's equal share of the cores).
//
// One node trains with --batch; two nodes with --batch/2 each, so both take
// the same steps with the same global batch and their accuracies compare.
import { parseArgs } from "node:util";
import { runLocalCluster } from "../cli/run_local_cluster.ts";
import type { EpochMetrics } from "../cli/run_training.ts";
import { generateSecret } from "../dist/rpc/generate_secret.ts";
import { partitionDataset } from "../partition/partition_dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { BenchReport } from "./_report.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    scale: { type: "string", default: "0.02" },
    epochs: { type: "string", default: "4" },
    batch: { type: "string", default: "512" },
    cache_ratio: { type: "string", default: "0.2" },
    prefetch: { type: "string", default: "2" },
    cpu_threads: { type: "string" },
    json: { type: "string" },
  },
});
const scale = Number(values.scale), epochs = Number(values.epochs), batch = Number(values.batch);
const cacheRatio = Number(values.cache_ratio);
const work = await Deno.makeTempDir({ prefix: "webgnn-cluster-bench-" });
try {
  const common = [
    `--prefetch=${values.prefetch}`,
    `--epochs=${epochs}`,
    "--eval_every=0",
    "--quiet",
    "--device=cpu",
    "--seed=1",
  ];
  const single = `${work}/single.jsonl`;
  const status = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("../cli/train.ts", import.meta.url).href,
      `--scale=${scale}`,
      `--batch_size=${batch}`,
      `--metrics=${single}`,
      ...common,
    ],
    stdout: "null",
  }).spawn().status;
  if (!status.success) throw new Error("the one-node run failed");

  const dataset = generateSynthetic({ scale, seed: 1, quiet: true });
  await partitionDataset(dataset, {
    numPartitions: 2,
    partitioner: "locality",
    cacheRatio,
    output: `${work}/p2`,
    quiet: true,
  });
  const double = `${work}/double.jsonl`;
  await runLocalCluster(2, [
    `--dataset_root_dir=${work}/p2`,
    `--batch_size=${batch / 2}`,
    `--metrics=${double}`,
    ...(values.cpu_threads ? [`--cpu_threads=${values.cpu_threads}`] : []),
    ...common,
  ], {
    WEBGNN_SECRET: generateSecret(),
    OPENBLAS_NUM_THREADS: "1",
  });

  const report = new BenchReport({
    scale,
    epochs,
    batch,
    cacheRatio,
    prefetch: Number(values.prefetch),
  });
  for (const [name, path] of [["1 node", single], ["2 nodes", double]] as const) {
    const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) =>
      JSON.parse(l) as EpochMetrics
    );
    const warm = lines.length > 1 ? lines.slice(1) : lines;
    const mean = (f: (m: EpochMetrics) => number) =>
      warm.reduce((s, m) => s + f(m), 0) / warm.length;
    const total = mean((m) => m.totalMs);
    const add = (section: string, value: number, unit: string) =>
      report.add({ section, name, value, unit });
    add("epoch time (after the first)", total / 1000, "s");
    add("sampling per epoch", mean((m) => m.sampleMs) / 1000, "s");
    add("feature lookup per epoch", mean((m) => m.featureMs) / 1000, "s");
    add("training per epoch", mean((m) => m.trainMs) / 1000, "s");
    add("gradient all-reduce per epoch", mean((m) => m.reduceMs) / 1000, "s");
    add("training waited for data", mean((m) => m.waitMs) / 1000, "s");
    add(
      "sampling + features share of epoch",
      (100 * mean((m) => m.sampleMs + m.featureMs)) / total,
      "%",
    );
    // Sampling overlaps training and the all-reduce wait; what the epoch
    // actually loses to it is the time training stood waiting for data.
    add("waited-for-data share of epoch", (100 * mean((m) => m.waitMs)) / total, "%");
    add("test accuracy after the last epoch", lines[lines.length - 1]!.testAccuracy ?? 0, "");
  }
  console.log(report.table());
  if (values.json) await report.writeJson(values.json);
} finally {
  await Deno.remove(work, { recursive: true });
}
