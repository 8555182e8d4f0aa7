import assert from "node:assert/strict";
import { finish } from "../_cluster.ts";
import { loadSafetensors } from "../../engine/safetensors_file.ts";
import { writePlantedOgb } from "./_link_fixture.ts";

const CLI = (name: string) => new URL(`../../cli/${name}.ts`, import.meta.url).href;

function run(name: string, args: string[]): ReturnType<typeof finish> {
  return finish(
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        CLI(name),
        "--device=cpu",
        "--cpu_threads=1",
        "--quiet",
        ...args,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn(),
  );
}

Deno.test("train --task=link --save_best keeps the best validation AUC; predict --task=link writes the embeddings of a link model for every node (CSV) or listed nodes (safetensors)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-embed-" });
  try {
    await writePlantedOgb(`${dir}/g`, { layout: "link" });
    const trained = await run("train", [
      "--task=link",
      `--dataset=${dir}/g`,
      "--epochs=1",
      "--fanout=5,5",
      "--hidden=16",
      "--out_channels=8",
      `--save_model=${dir}/link.safetensors`,
      "--save_best",
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    // --save_best keeps the best validation AUC; the metadata says so.
    const kept = (await loadSafetensors(`${dir}/link.safetensors`)).metadata;
    assert.equal(kept.kept, "best validation AUC");
    assert.deepEqual([kept.task, kept.embedding_dim, kept.out_channels], ["link", "8", "8"]);
    assert.ok(Number(kept.valid_auc) > 0 && Number(kept.test_auc) > 0, JSON.stringify(kept));
    const csv = await run("predict", [
      "--task=link",
      `--model=${dir}/link.safetensors`,
      `--dataset=${dir}/g`,
      `--output=${dir}/e.csv`,
    ]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /embeddings \(8 wide\) of 320 nodes of g by layerwise inference/);
    const rows = (await Deno.readTextFile(`${dir}/e.csv`)).trim().split("\n");
    assert.equal(rows[0], "node,e0,e1,e2,e3,e4,e5,e6,e7");
    assert.equal(rows.length, 321);
    assert.ok(rows.slice(1).every((r, i) => r.startsWith(`${i},`) && r.split(",").length === 9));

    await Deno.writeTextFile(`${dir}/nodes.txt`, "5\n17\n3\n");
    const st = await run("predict", [
      "--task=link",
      `--model=${dir}/link.safetensors`,
      `--dataset=${dir}/g`,
      `--nodes=${dir}/nodes.txt`,
      "--inference=sampled",
      `--output=${dir}/e.safetensors`,
    ]);
    assert.equal(st.code, 0, st.stderr);
    const { tensors, metadata } = await loadSafetensors(`${dir}/e.safetensors`);
    assert.deepEqual(Array.from(tensors.get("node")!.data), [5, 17, 3]);
    assert.deepEqual(tensors.get("embedding")!.shape, [3, 8]);
    assert.equal(metadata.embedding_dim, "8");

    const bad = await run("predict", [
      "--task=link",
      "--probabilities",
      `--model=${dir}/link.safetensors`,
      `--output=${dir}/x.csv`,
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--probabilities is read only with --task=node/);
    const classes = await run("predict", [
      `--model=${dir}/link.safetensors`,
      `--dataset=${dir}/g`,
      `--output=${dir}/x.csv`,
    ]);
    assert.equal(classes.code, 2);
    assert.match(classes.stderr, /was trained for link prediction .*give --task=link/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
