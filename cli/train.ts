// `deno task train`: GraphSAGE on one node, or on a cluster with --num_nodes > 1.
import { runCommand } from "./run_command.ts";
import { parseTrainFlags } from "./train_flags.ts";
import { trainSingleNode } from "./train_single_node.ts";
import { UsageError } from "./usage_error.ts";

if (import.meta.main) {
  await runCommand("train", async () => {
    const flags = parseTrainFlags(Deno.args);
    if (flags.numNodes > 1) throw new UsageError("--num_nodes > 1 is not available yet");
    await trainSingleNode(flags);
  });
}
