import assert from "node:assert/strict";
import { finish, partitioned } from "../_cluster.ts";
import { parseTrainFlags } from "../../cli/train_flags.ts";
import { parseServerClientFlags } from "../../cli/server_client_flags.ts";
import { taskFields, trainingFields } from "../../cli/job_fingerprint.ts";
import { UsageError } from "../../cli/usage_error.ts";
import { parseLaunchFlags } from "../../cli/launch_flags.ts";
import { writePlantedOgb } from "./_link_fixture.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;

function refused(args: string[], message: RegExp) {
  assert.throws(
    () => parseTrainFlags(args),
    (e) => e instanceof UsageError && message.test(e.message),
  );
}

Deno.test("train's link flags: defaults, and --out_channels defaults to --hidden", () => {
  const f = parseTrainFlags(["--task=link", "--hidden=64"]);
  assert.deepEqual([f.task, f.negSampling, f.negRatio, f.outChannels], ["link", "binary", 1, 64]);
  assert.equal(parseTrainFlags([]).task, "node");
  // GLT's link example samples two hops, 15 and 10.
  assert.deepEqual([f.fanout, f.numLayers], [[15, 10], 2]);
  assert.deepEqual(parseTrainFlags(["--task=link", "--fanout=5,5,5"]).numLayers, 3);
  assert.deepEqual(
    parseServerClientFlags("client", ["--task=link", "--dataset_root_dir=p"]).fanout,
    [15, 10],
  );
  const g = parseTrainFlags([
    "--task=link",
    "--neg_sampling=triplet",
    "--neg_ratio=3",
    "--out_channels=8",
  ]);
  assert.deepEqual([g.negSampling, g.negRatio, g.outChannels], ["triplet", 3, 8]);
  assert.deepEqual(parseTrainFlags(["--task=link", "--edge_split=0.8,0.1,0.1"]).edgeSplit, [
    0.8,
    0.1,
    0.1,
  ]);
});

Deno.test("train's link flags: a bad value or a link flag without --task=link is a usage error naming it", () => {
  refused(["--task=edge"], /--task must be node or link, got "edge"/);
  refused(["--task=link", "--neg_sampling=hard"], /--neg_sampling must be binary or triplet/);
  refused(["--task=link", "--neg_ratio=0"], /--neg_ratio.*positive integer/);
  refused(["--neg_ratio=2"], /--neg_ratio is read only with --task=link/);
  refused(["--out_channels=16"], /--out_channels is read only with --task=link/);
  refused(["--edge_split=0.8,0.1,0.1"], /--edge_split .*only with --task=link/);
  refused(["--task=link", "--edge_split=0.8,0.1"], /--edge_split.*sum to 1/);
  refused(["--task=link", "--edge_split=0.8,0.3,0.1"], /--edge_split.*sum to 1/);
  refused(["--task=link", "--eval=layerwise"], /--eval=layerwise is for node classification/);
  assert.throws(
    () => parseServerClientFlags("client", ["--neg_sampling=triplet"]),
    /--neg_sampling is read only with --task=link/,
  );
  assert.throws(
    () => parseServerClientFlags("client", ["--task=link"]),
    /--task=link: a client reads its training edges from the partition directory; give it --dataset_root_dir/,
  );
});

Deno.test("launch passes the link flags on to train on every node", () => {
  const f = parseLaunchFlags([
    "--config=c.yml",
    "--task=link",
    "--neg_ratio=2",
    "--out_channels=64",
  ]);
  assert.deepEqual(f.trainArgs, ["--task=link", "--neg_ratio=2", "--out_channels=64"]);
});

Deno.test("the task and its link settings are fingerprinted: node and link ranks differ, and so do link settings", () => {
  const base = parseTrainFlags([]);
  assert.deepEqual(taskFields(base), [["--task", "node"]]);
  const link = trainingFields(parseTrainFlags(["--task=link", "--neg_ratio=2"]));
  assert.deepEqual(link.slice(0, 4), [
    ["--task", "link"],
    ["--neg_sampling", "binary"],
    ["--neg_ratio", "2"],
    ["--out_channels", "256"],
  ]);
});

async function train(args: string[]) {
  return await finish(
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", TRAIN, "--device=cpu", "--quiet", ...args],
      env: { WEBGNN_SECRET: "a test secret of the cluster" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn(),
  );
}

Deno.test("train --task=link on data without link edges says which and how to make them", async () => {
  const dir = await partitioned(2);
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "node" });
    const one = await train(["--task=link", `--dataset=${dir}/g`]);
    assert.equal(one.code, 2, one.stderr);
    assert.match(
      one.stderr,
      new RegExp(`--task=link: .*\\(${dir}/g\\) has no link-prediction edges.*--edge_split=`),
    );
    const parts = await train([
      "--task=link",
      `--dataset_root_dir=${dir}/parts`,
      "--num_nodes=2",
      "--node_rank=1",
    ]);
    assert.equal(parts.code, 2, parts.stderr);
    assert.match(
      parts.stderr,
      new RegExp(
        `--task=link: --dataset_root_dir=${dir}/parts holds no link-prediction edges; .*deno task partition --edge_split`,
      ),
    );
    await writePlantedOgb(`${dir}/l`, { layout: "link" });
    const both = await train(["--task=link", `--dataset=${dir}/l`, "--edge_split=0.8,0.1,0.1"]);
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--edge_split: .* already has link-prediction edges/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
