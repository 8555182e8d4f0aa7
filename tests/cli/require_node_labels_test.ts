import assert from "node:assert/strict";
import { partitionCommand } from "../../cli/partition.ts";

const cli = (file: string) => new URL(`../../cli/${file}`, import.meta.url).href;

async function run(file: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", cli(file), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr).trim() };
}

/** A partition directory of an ogbl-style dataset (edges in the split, no labels), in 1 or 2 parts. */
async function linkPartitions(dir: string, parts: number): Promise<string> {
  const files: Record<string, string> = {
    "raw/edge.csv": "0,1\n1,2\n2,3\n",
    "raw/node-feat.csv": "1,0\n0,1\n1,1\n2,0\n0,2\n3,3\n",
    "split/c/train.csv": "0,1\n1,2\n2,3\n",
    "split/c/valid.csv": "3,4\n",
    "split/c/test.csv": "4,5\n",
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/t/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/t/${path}`, text);
  }
  const { log } = console;
  console.log = () => {};
  try {
    await partitionCommand([
      `--dataset=${dir}/t`,
      `--num_partitions=${parts}`,
      `--output=${dir}/p${parts}`,
      "--quiet",
    ]);
  } finally {
    console.log = log;
  }
  return `${dir}/p${parts}`;
}

const refusal =
  /has no node labels .* node classification cannot train on it; it holds link-prediction edges/;

Deno.test("a cluster trainer and a sampling server refuse a partition directory without labels by name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const trainer = await run("train.ts", [
      "--num_nodes=2",
      "--node_rank=0",
      "--dataset=ogb",
      `--dataset_root_dir=${await linkPartitions(dir, 2)}`,
      "--epochs=1",
    ]);
    assert.equal(trainer.code, 2, trainer.stderr);
    assert.match(trainer.stderr, refusal);
    const server = await run("server.ts", [
      "--num_server_nodes=1",
      "--num_client_nodes=1",
      "--num_dataset_partitions=1",
      `--dataset_root_dir=${await linkPartitions(dir, 1)}`,
    ]);
    assert.equal(server.code, 2, server.stderr);
    assert.match(server.stderr, refusal);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
