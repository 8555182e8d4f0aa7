import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import type { NodeDataset } from "../../engine/dataset.ts";
import { nodeDataset } from "../../engine/node_dataset.ts";
import { predict } from "../../engine/predict.ts";
import { train } from "../../engine/train.ts";
import { loadModel, saveModel } from "../../engine/trained_model.ts";
import { rng } from "../_random.ts";

/**
 * `n` nodes in 3 classes (`v % 3`): each node is joined to 3 nodes of its own class and 1 of
 * another; its 4 features hint at its class under noise. 60% train, 20% valid, 20% test.
 */
function toyGraph(n: number, seed: number, name: string): NodeDataset {
  const rand = rng(seed);
  const pick = (v: number, same: boolean) => {
    for (;;) {
      const u = Math.floor(rand() * n);
      if (u !== v && (u % 3 === v % 3) === same) return u;
    }
  };
  const edges: [number, number][] = [];
  for (let v = 0; v < n; v++) {
    for (let k = 0; k < 3; k++) edges.push([v, pick(v, true)]);
    edges.push([v, pick(v, false)]);
  }
  const labels = Array.from({ length: n }, (_, v) => v % 3);
  const features = labels.map((y) => [0, 1, 2, 3].map((k) => (k === y ? 0.5 : 0) + rand()));
  const ids = [...labels.keys()];
  return nodeDataset({
    name,
    edges,
    features,
    labels,
    split: {
      train: ids.filter((v) => v % 5 < 3),
      valid: ids.filter((v) => v % 5 === 3),
      test: ids.filter((v) => v % 5 === 4),
    },
  });
}

const OPTIONS = { epochs: 6, hidden: 16, fanout: [4, 4], batchSize: 32, lr: 0.02, dropout: 0 };

Deno.test("train() learns a graph built from arrays, and predict() labels a graph the model never saw", async () => {
  const device = new CpuDevice({ threads: 1 });
  try {
    const seen = toyGraph(300, 1, "seen"), unseen = toyGraph(450, 2, "unseen");
    const epochs: number[] = [];
    const { model, history } = await train({
      dataset: seen,
      ...OPTIONS,
      device,
      onEpoch: (e) => epochs.push(e.epoch),
    });
    assert.deepEqual(epochs, [1, 2, 3, 4, 5, 6]);
    assert.equal(history.length, 6);
    assert.ok(history[5]!.loss < history[0]!.loss, `loss ${history.map((e) => e.loss)}`);
    assert.ok(history[5]!.testAccuracy! > 0.8, `test accuracy ${history[5]!.testAccuracy}`);
    assert.deepEqual(model.shape, { inDim: 4, hidden: 16, numLayers: 2, outDim: 3 });
    assert.equal(model.metadata.dataset, "seen");
    assert.equal(model.metadata.epoch, "6");

    const p = await predict(model, unseen, { device });
    assert.equal(p.nodes.length, 450);
    assert.equal(p.test.total, unseen.split.test.length);
    assert.ok(p.test.correct / p.test.total > 0.8, `${p.test.correct}/${p.test.total} right`);
    for (let i = 0; i < 450; i++) {
      const row = p.probabilities.subarray(i * 3, i * 3 + 3);
      assert.ok(Math.abs(row[0]! + row[1]! + row[2]! - 1) < 1e-5);
      assert.equal(row.indexOf(Math.max(...row)), p.classes[i]);
    }
    // Sampled inference taking every neighbour agrees with layer-wise inference.
    const nodes = [449, 0, 17, 17, 300];
    const sampled = await predict(model, unseen, {
      device,
      nodes,
      inference: "sampled",
      fanout: [1000, 1000],
    });
    assert.deepEqual(Array.from(sampled.nodes), nodes);
    for (const [i, v] of nodes.entries()) {
      assert.equal(sampled.classes[i], p.classes[v]);
      for (let k = 0; k < 3; k++) {
        const a = sampled.probabilities[i * 3 + k]!, b = p.probabilities[v * 3 + k]!;
        assert.ok(Math.abs(a - b) < 1e-4, `node ${v} class ${k}: ${a} vs ${b}`);
      }
    }
    assert.equal(sampled.test.total, 1); // node 449 is the only test node listed
  } finally {
    device.destroy();
  }
});

Deno.test("saveModel() and loadModel() keep predictions exactly; keepBest returns the best validation epoch", async () => {
  const device = new CpuDevice({ threads: 1 });
  const dir = await Deno.makeTempDir();
  try {
    const data = toyGraph(240, 3, "toy");
    const { model, history } = await train({ dataset: data, ...OPTIONS, keepBest: true, device });
    const valid = history.map((e) => e.validAccuracy!);
    const best = valid.indexOf(Math.max(...valid)) + 1;
    assert.equal(model.metadata.epoch, String(best));
    assert.equal(model.metadata.kept, "best validation accuracy");
    assert.equal(Number(model.metadata.valid_accuracy).toFixed(4), valid[best - 1]!.toFixed(4));

    await saveModel(`${dir}/m.safetensors`, model);
    const loaded = await loadModel(`${dir}/m.safetensors`);
    assert.deepEqual(loaded.shape, model.shape);
    assert.equal(loaded.metadata.in_channels, "4");
    assert.equal(loaded.metadata.epoch, String(best));
    const before = await predict(model, data, { device });
    const after = await predict(loaded, data, { device });
    assert.deepEqual(after.probabilities, before.probabilities);
    // Training on from the loaded weights starts where they left off.
    const more = await train({ dataset: data, ...OPTIONS, epochs: 1, init: loaded, device });
    assert.ok(more.history[0]!.loss < history[0]!.loss);
  } finally {
    device.destroy();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict() refuses a model whose feature width or class count does not fit, naming both", async () => {
  const device = new CpuDevice({ threads: 1 });
  try {
    const { model } = await train({
      dataset: toyGraph(60, 4, "toy"),
      ...OPTIONS,
      epochs: 1,
      device,
    });
    const wide = nodeDataset({
      name: "wide",
      edges: [[0, 1]],
      features: [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]],
    });
    await assert.rejects(
      predict(model, wide, { device }),
      /GraphSAGE\(4, 16, 2, 3\)\) takes 4 features per node, but wide has 5/,
    );
    const many = nodeDataset({
      name: "many",
      edges: [[0, 1]],
      features: [[1, 2, 3, 4], [1, 2, 3, 4]],
      labels: [0, 4],
    });
    await assert.rejects(predict(model, many, { device }), /predicts 3 classes, but many has 5/);
    const toy = toyGraph(60, 4, "toy");
    for (
      const [change, message] of [
        [{ lr: 0 }, /train: lr is 0, expected a positive learning rate/],
        [{ fanout: [4, -1] }, /train: fanout\[1\] is -1, expected neighbours per hop/],
        [{ batchSize: 0.5 }, /train: batchSize is 0.5, expected a positive integer/],
        [{ dropout: 1 }, /train: dropout is 1, expected a rate in \[0, 1\)/],
      ] as const
    ) {
      await assert.rejects(train({ dataset: toy, ...OPTIONS, ...change, device }), message);
    }
    await assert.rejects(
      predict(model, toy, { device, nodes: [0, 60] }),
      /nodes\[1\] is 60, expected a node id in 0\.\.59/,
    );
    await assert.rejects(predict(model, toy, { device, nodes: [1.5] }), /nodes\[0\] is 1\.5/);
  } finally {
    device.destroy();
  }
});

Deno.test("train() with edgeWeight samples by the dataset's weights: edges of zero weight between classes are never read", async () => {
  const n = 300;
  const rand = rng(8);
  const edges: [number, number][] = [];
  const edgeWeights: number[] = [];
  for (let v = 0; v < n; v++) {
    for (let k = 0; k < 6; k++) {
      const u = (v + 1 + Math.floor(rand() * (n - 1))) % n;
      edges.push([v, u]);
      edgeWeights.push(u % 3 === v % 3 ? 1 : 0);
    }
  }
  const labels = Array.from({ length: n }, (_, v) => v % 3);
  const features = labels.map((y) => [0, 1, 2].map((k) => (k === y ? 0.6 : 0) + rand()));
  const ids = [...labels.keys()];
  const split = { train: ids.filter((v) => v % 2 === 0), test: ids.filter((v) => v % 2 === 1) };
  const weighted = nodeDataset({ edges, edgeWeights, features, labels, split });
  const options = { epochs: 30, fanout: [4, 4], hidden: 16, lr: 0.02, device: "cpu" } as const;
  const byWeight = await train({ dataset: weighted, edgeWeight: true, ...options });
  const uniform = await train({ dataset: weighted, ...options });
  assert.equal(byWeight.model.metadata.edge_weight, "on");
  assert.equal(uniform.model.metadata.edge_weight, undefined);
  const acc = (r: typeof byWeight) => r.history.at(-1)!.testAccuracy!;
  assert.ok(acc(byWeight) > 0.9, `weighted ${acc(byWeight)}, uniform ${acc(uniform)}`);
  assert.ok(acc(byWeight) > acc(uniform), `weighted ${acc(byWeight)}, uniform ${acc(uniform)}`);
  const sampled = { inference: "sampled", edgeWeight: true, device: "cpu" } as const;
  const p = await predict(byWeight.model, weighted, { ...sampled, nodes: split.test });
  assert.ok(p.test.correct / p.test.total > 0.9, `${p.test.correct}/${p.test.total}`);
  const plain = nodeDataset({ edges, features, labels, split });
  await assert.rejects(
    () => train({ dataset: plain, edgeWeight: true, ...options }),
    /train: edgeWeight asks for arrays's edgeWeights, and it has none/,
  );
  await assert.rejects(() => predict(byWeight.model, plain, sampled), /has none/);
  await assert.rejects(
    () => predict(byWeight.model, weighted, { edgeWeight: true }),
    /edgeWeight applies to sampled inference/,
  );
});
