// `deno task demo`: the main job on a built-in default, nothing to download.
import { runCommand } from "./run_command.ts";
import { parseTrainFlags } from "./train_flags.ts";
import { trainSingleNode } from "./train_single_node.ts";

if (import.meta.main) {
  await runCommand("demo", async () => {
    const common = ["--scale=0.01", "--batch_size=128", "--eval_every=0", ...Deno.args];
    console.log(
      "webgnn demo: GraphSAGE on a synthetic products-like graph (24k nodes, 1.2M edges)",
    );
    const sage = await trainSingleNode(parseTrainFlags(["--epochs=6", ...common]));
    console.log(
      "\nThe same model with fan-out 0 (an MLP on the node features alone), for comparison (trained longer: its epochs are cheap):",
    );
    const mlp = await trainSingleNode(
      parseTrainFlags(["--epochs=40", "--fanout=0,0,0", ...common]),
    );
    const acc = (m: typeof sage) => m[m.length - 1]?.testAccuracy ?? 0;
    console.log(
      `\nTest accuracy: GraphSAGE ${acc(sage).toFixed(4)}, MLP ${acc(mlp).toFixed(4)} ` +
        `(ogbn-products: 0.787 vs 0.611)`,
    );
  });
}
