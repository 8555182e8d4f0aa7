// Test helpers for commands run as real processes: a small partitioned
// synthetic graph, a free port, and a child's exit code and output.
import { partitionDataset } from "../partition/partition_dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";

/** A temporary directory holding `parts/`: a ~4.9k-node synthetic graph in `numPartitions` parts. */
export async function partitioned(numPartitions: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-cluster-test-" });
  const dataset = generateSynthetic({ scale: 0.002, seed: 3, quiet: true });
  await partitionDataset(dataset, {
    numPartitions,
    partitioner: "locality",
    output: `${dir}/parts`,
    quiet: true,
  });
  return dir;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Waits for a child started with piped output; its exit code, stdout and stderr. */
export async function finish(child: Deno.ChildProcess) {
  const out = await child.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** The shared secret of every test cluster, passed as `WEBGNN_SECRET`. */
export const TEST_SECRET = "a test secret of the cluster";

/** Starts `deno task NAME` (`cli/NAME.ts`) with `args`, the test secret set, output piped. */
export function runCli(name: string, args: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(`../cli/${name}.ts`, import.meta.url).href, ...args],
    env: { WEBGNN_SECRET: TEST_SECRET },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Starts node `rank` of a collocated cluster of `numNodes` whose coordinator
 * is on 127.0.0.2:`port`: node r on 127.0.0.(r + 2), the CPU backend, quiet.
 */
export function trainNode(
  rank: number,
  numNodes: number,
  port: number,
  args: readonly string[],
): Deno.ChildProcess {
  return runCli("train", [
    `--num_nodes=${numNodes}`,
    `--node_rank=${rank}`,
    "--master_addr=127.0.0.2",
    `--master_port=${port}`,
    `--node_addr=127.0.0.${rank + 2}`,
    "--device=cpu",
    "--quiet",
    ...args,
  ]);
}
