// Partitioning benchmarks.
//
// `deno bench bench/partition_bench.ts` times each partitioner into 2 and 4
// partitions on a small synthetic graph (scale 0.01, or WEBGNN_PARTITION_SCALE).
//
// `deno run -A bench/partition_bench.ts [--scale=1] [--json=path]` measures
// the full pipeline (generate + partition + write) once per partitioner and
// partition count, each in its own process, and prints wall time, edge cut,
// balance and peak resident memory (VmHWM) as a table.

import { partitionDataset } from "../partition/partition_dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import type { PartitionRunSummary } from "../partition/main.ts";

const PARTITIONERS = ["random", "frequency", "locality"] as const;
const COUNTS = [2, 4] as const;

if (import.meta.main) {
  await measure(Deno.args);
} else {
  const scale = Number(Deno.env.get("WEBGNN_PARTITION_SCALE") ?? "0.01");
  const dataset = generateSynthetic({ scale, seed: 0, quiet: true });
  const output = await Deno.makeTempDir({ prefix: "webgnn-partition-bench-" });
  for (const partitioner of PARTITIONERS) {
    for (const numPartitions of COUNTS) {
      Deno.bench({
        name: `partition ${partitioner} x${numPartitions} (scale ${scale})`,
        group: `x${numPartitions}`,
        baseline: partitioner === "random",
        async fn() {
          await partitionDataset(dataset, {
            numPartitions,
            partitioner,
            cacheRatio: 0.2,
            output: `${output}/${partitioner}-${numPartitions}`,
            quiet: true,
          });
        },
      });
    }
  }
  globalThis.addEventListener("unload", () => {
    Deno.removeSync(output, { recursive: true });
  });
}

async function measure(args: string[]): Promise<void> {
  const flag = (name: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const scale = flag("scale") ?? "1";
  const json = flag("json");
  const output = await Deno.makeTempDir({ prefix: "webgnn-partition-bench-" });
  const main = new URL("../partition/main.ts", import.meta.url).pathname;
  const rows: (PartitionRunSummary & { wallSeconds: number })[] = [];
  try {
    for (const numPartitions of COUNTS) {
      for (const partitioner of PARTITIONERS) {
        const t0 = performance.now();
        const child = new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            main,
            "--dataset=synthetic",
            `--scale=${scale}`,
            `--num_partitions=${numPartitions}`,
            `--partitioner=${partitioner}`,
            "--cache_ratio=0.2",
            `--output=${output}/run`,
          ],
          stdout: "piped",
          stderr: "inherit",
        });
        const result = await child.output();
        const wallSeconds = (performance.now() - t0) / 1000;
        const text = new TextDecoder().decode(result.stdout).trim();
        if (!result.success) {
          throw new Error(`${partitioner} x${numPartitions} failed:\n${text}`);
        }
        const summary = JSON.parse(text.split("\n").at(-1)!) as PartitionRunSummary;
        rows.push({ ...summary, wallSeconds });
        console.log(
          [
            `${partitioner.padEnd(9)} x${numPartitions}`,
            `generate ${summary.loadSeconds.toFixed(1)} s`,
            `partition+write ${summary.partitionSeconds.toFixed(1)} s`,
            `wall ${wallSeconds.toFixed(1)} s`,
            `cut ${(100 * summary.edgeCutRatio).toFixed(1)}%`,
            `balance nodes ${summary.balance.nodes.toFixed(3)} train ${
              summary.balance.train.toFixed(3)
            }`,
            `peak ${(summary.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
          ].join(" | "),
        );
      }
    }
  } finally {
    await Deno.remove(output, { recursive: true });
  }
  if (json) await Deno.writeTextFile(json, JSON.stringify(rows, null, 2) + "\n");
}
