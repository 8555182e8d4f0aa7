// Checks shared by the tests of world formation (flags, environments, Slurm):
// every training seed is used once per epoch across the ranks' metrics files,
// and every rank reports the same global test accuracy.
import assert from "node:assert/strict";
import { loadPartition } from "../../partition/load_partition.ts";

/** The training arguments of a short, small run writing `m{rank}.jsonl` in `dir`. */
export function shortRun(dir: string, epochs: number): string[] {
  return [
    `--dataset_root_dir=${dir}/parts`,
    `--epochs=${epochs}`,
    "--batch_size=64",
    "--lr=0.01",
    "--fanout=5,5",
    "--hidden=16",
    "--eval_every=0",
    "--device=cpu",
    "--cpu_threads=1",
    "--quiet",
    `--metrics=${dir}/m{rank}.jsonl`,
  ];
}

/**
 * Reads `m0.jsonl` ... of `ranks` ranks and checks that, in every one of
 * `epochs` epochs, the ranks together used each training seed of the
 * `parts` partitions exactly once (count, sum and sum of squares), and that
 * every rank reports one test accuracy; returns it.
 */
export async function checkOneWorld(dir: string, ranks: number, epochs: number): Promise<number> {
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/parts/meta.json`));
  const all: number[] = [];
  for (let p = 0; p < meta.numPartitions; p++) {
    all.push(...(await loadPartition(`${dir}/parts`, p)).train);
  }
  const want = {
    seeds: all.length,
    seedSum: all.reduce((s, v) => s + v, 0),
    seedSquareSum: all.reduce((s, v) => s + v * v, 0),
  };
  const perRank = await Promise.all(
    Array.from(
      { length: ranks },
      async (_, r) =>
        (await Deno.readTextFile(`${dir}/m${r}.jsonl`)).trim().split("\n").map((l) =>
          JSON.parse(l)
        ),
    ),
  );
  for (let epoch = 0; epoch < epochs; epoch++) {
    const got = { seeds: 0, seedSum: 0, seedSquareSum: 0 };
    for (const lines of perRank) {
      got.seeds += lines[epoch].seeds;
      got.seedSum += lines[epoch].seedSum;
      got.seedSquareSum += lines[epoch].seedSquareSum;
    }
    assert.deepEqual(got, want, `epoch ${epoch + 1}: every training seed once`);
  }
  const accuracies = perRank.map((lines) => lines[epochs - 1].testAccuracy);
  assert.ok(
    accuracies.every((a) => a === accuracies[0] && typeof a === "number"),
    `every rank reports one global accuracy: ${accuracies}`,
  );
  return accuracies[0];
}
