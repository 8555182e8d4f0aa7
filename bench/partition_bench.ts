// Partitioning benchmarks.
//
// `deno bench bench/partition_bench.ts` times each partitioner into 2 and 4
// partitions on a small synthetic graph (scale 0.01, or WEBGNN_PARTITION_SCALE).
//
// It also times the OGB raw-format loader on generated gzip files.
//
// `deno run -A bench/partition_bench.ts [--scale=1] [--json=path]` measures
// the full pipeline (generate + partition + write) once per partitioner and
// partition count, each in its own process, and prints wall time, edge cut,
// balance and peak resident memory (VmHWM) as a table.

import { loadOgbDataset } from "../partition/ogb_loader.ts";
import { partitionDataset } from "../partition/partition_dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import type { PartitionRunSummary } from "../cli/partition.ts";

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
  // the OGB loader on a generated raw directory: 1 M edge lines, 20 k x 100 features
  const ogb = `${output}/ogb`;
  await writeOgbFiles(ogb, 20_000, 1_000_000);
  Deno.bench({
    name: "loadOgbDataset 1 M edge lines + 20 k x 100 feature rows (gzip)",
    group: "loader",
    async fn() {
      await loadOgbDataset(ogb, { quiet: true });
    },
  });
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
  const main = new URL("../cli/partition.ts", import.meta.url).pathname;
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

async function writeGzip(path: string, text: string): Promise<void> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  await Deno.writeFile(path, new Uint8Array(await new Response(stream).arrayBuffer()));
}

async function writeOgbFiles(root: string, nodes: number, edges: number): Promise<void> {
  await Deno.mkdir(`${root}/raw`, { recursive: true });
  await Deno.mkdir(`${root}/split/random`, { recursive: true });
  let x = 1;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const lines: string[] = [];
  for (let e = 0; e < edges; e++) lines.push(`${rnd() % nodes},${rnd() % nodes}`);
  await writeGzip(`${root}/raw/edge.csv.gz`, lines.join("\n") + "\n");
  const rows: string[] = [];
  for (let v = 0; v < nodes; v++) {
    const row: string[] = [];
    for (let j = 0; j < 100; j++) row.push(String(rnd() / 2 ** 31 - 1));
    rows.push(row.join(","));
  }
  await writeGzip(`${root}/raw/node-feat.csv.gz`, rows.join("\n") + "\n");
  const labels: string[] = [];
  for (let v = 0; v < nodes; v++) labels.push(String(rnd() % 47));
  await writeGzip(`${root}/raw/node-label.csv.gz`, labels.join("\n") + "\n");
  const ids = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => from + i).join("\n") + "\n";
  await writeGzip(`${root}/split/random/train.csv.gz`, ids(0, nodes / 10));
  await writeGzip(`${root}/split/random/valid.csv.gz`, ids(nodes / 10, nodes / 5));
  await writeGzip(`${root}/split/random/test.csv.gz`, ids(nodes / 5, nodes));
}
