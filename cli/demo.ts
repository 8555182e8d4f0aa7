// `deno task demo`: the whole mission on a built-in default, nothing to
// download: generate a synthetic products-like graph, partition it in two,
// train GraphSAGE on two nodes (two processes on two loopback addresses),
// and compare with an MLP on the same features.
import { generateSecret } from "../dist/rpc/generate_secret.ts";
import { partitionDataset } from "../partition/partition_dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";
import { parseDemoFlags } from "./demo_flags.ts";
import { runCommand } from "./run_command.ts";
import { runLocalCluster } from "./run_local_cluster.ts";
import type { EpochMetrics } from "./run_training.ts";
import { parseTrainFlags } from "./train_flags.ts";
import { trainSingleNode } from "./train_single_node.ts";

if (import.meta.main) {
  await runCommand("demo", async () => {
    const flags = parseDemoFlags(Deno.args);
    const work = await Deno.makeTempDir({ prefix: "webgnn-demo-" });
    try {
      const t0 = performance.now();
      // With --edge_weight among train's flags, the graph comes with its weights.
      const edgeWeights = flags.trainArgs.some((a) => a === "--edge_weight");
      const dataset = generateSynthetic({ scale: flags.scale, seed: 0, edgeWeights });
      const parts = `${work}/partitions`;
      const meta = await partitionDataset(dataset, {
        numPartitions: 2,
        partitioner: "locality",
        output: parts,
      });
      console.log(
        `webgnn demo: synthetic products-like graph, ${dataset.graph.numNodes} nodes, ` +
          `${dataset.graph.indices.length} edges, in 2 partitions (edge cut ${
            (100 * meta.edgeCutRatio).toFixed(1)
          }%) ` +
          `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      console.log("\nGraphSAGE on 2 nodes (127.0.0.1 and 127.0.0.2), each holding one partition:");
      const metrics = `${work}/metrics.jsonl`;
      await runLocalCluster(2, [
        `--dataset_root_dir=${parts}`,
        `--epochs=${flags.epochs}`,
        "--batch_size=128",
        "--eval_every=0",
        `--metrics=${metrics}`,
        ...flags.trainArgs,
      ], { WEBGNN_SECRET: generateSecret() });
      const lines = (await Deno.readTextFile(metrics)).trim().split("\n");
      const sage = (JSON.parse(lines[lines.length - 1]!) as EpochMetrics).testAccuracy ?? 0;
      console.log("\nAn MLP on the node features alone (fan-out 0) on one node, for comparison:");
      const mlp = await trainSingleNode(
        parseTrainFlags([
          `--scale=${flags.scale}`,
          `--epochs=${4 * flags.epochs}`,
          "--fanout=0,0,0",
          "--batch_size=128",
          "--eval_every=0",
          "--quiet",
        ]),
        { print: false },
      );
      const mlpAcc = mlp[mlp.length - 1]?.testAccuracy ?? 0;
      console.log(
        `\nTest accuracy: GraphSAGE on 2 nodes ${sage.toFixed(4)}, MLP ${mlpAcc.toFixed(4)} ` +
          `(ogbn-products: 0.787 vs 0.611)`,
      );
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  });
}
