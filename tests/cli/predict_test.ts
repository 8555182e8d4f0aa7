import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { saveSageModel } from "../../engine/sage_model_file.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { readSpec } from "../engine/_safetensors_spec.ts";

const PREDICT = new URL("../../cli/predict.ts", import.meta.url).href;
const DATA = ["--scale=0.003", "--device=cpu", "--cpu_threads=1"];

async function predict(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", PREDICT, ...DATA, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** A GraphSAGE file of this shape with seeded weights, as train --save_model writes one. */
async function modelFile(path: string, inDim: number, outDim: number) {
  const device = new CpuDevice({ threads: 1 });
  const model = new SageModel(device, { inDim, hidden: 16, outDim, numLayers: 2, seed: 5 });
  await saveSageModel(path, device, model, { fanout: "4,3", dataset: "synthetic" });
  model.destroy();
  device.destroy();
}

Deno.test("predict writes every node's class and probabilities as CSV and reports the test accuracy they give", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await modelFile(`${dir}/m.safetensors`, 100, 47);
    const r = await predict([
      `--model=${dir}/m.safetensors`,
      `--output=${dir}/p.csv`,
      "--probabilities",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const data = generateSynthetic({ scale: 0.003, seed: 0, quiet: true });
    const lines = (await Deno.readTextFile(`${dir}/p.csv`)).trimEnd().split("\n");
    const header = Array.from({ length: 47 }, (_, k) => `p${k}`);
    assert.equal(lines[0], ["node", "class", ...header].join(","));
    assert.equal(lines.length, data.graph.numNodes + 1);
    const classOf = new Int32Array(data.graph.numNodes).fill(-1);
    for (const [i, line] of lines.slice(1).entries()) {
      const [node, cls, ...p] = line.split(",").map(Number);
      assert.equal(node, i);
      assert.equal(p.length, 47);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3, `row ${i} sums to 1`);
      assert.equal(p.indexOf(Math.max(...p)), cls, `row ${i}: the class is the likeliest`);
      classOf[i] = cls!;
    }
    const test = data.split.test;
    const right = test.filter((v) => classOf[v] === data.labels[v]).length;
    assert.match(
      r.stdout,
      new RegExp(
        `^webgnn predict: ${data.graph.numNodes} nodes of synthetic-products-0.003 by layerwise ` +
          `inference on .* in \\d+\\.\\d\\d s \\(\\d+ nodes/s\\); test accuracy ` +
          `${(right / test.length).toFixed(4)} over ${test.length} test nodes; wrote `,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict --nodes --inference=sampled writes the listed nodes in order as safetensors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await modelFile(`${dir}/m.safetensors`, 100, 47);
    await Deno.writeTextFile(`${dir}/nodes.csv`, "node\n5\n3\n\n5\n7000\n");
    const r = await predict([
      `--model=${dir}/m.safetensors`,
      `--nodes=${dir}/nodes.csv`,
      "--inference=sampled",
      `--output=${dir}/p.safetensors`,
      "--probabilities",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: 4 nodes of .* by sampled inference/);
    const bytes = await Deno.readFile(`${dir}/p.safetensors`);
    const { header, values } = readSpec(bytes);
    const meta = header.__metadata__ as Record<string, string>;
    assert.equal(meta.inference, "sampled");
    assert.equal(meta.num_classes, "47");
    const ints = (name: string) => {
      const t = header[name] as { dtype: string; shape: number[]; data_offsets: number[] };
      assert.equal(t.dtype, "I32");
      const start = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
      const view = new DataView(bytes.buffer, start + t.data_offsets[0]!, t.shape[0]! * 4);
      return Array.from({ length: t.shape[0]! }, (_, i) => view.getInt32(i * 4, true));
    };
    assert.deepEqual(ints("node"), [5, 3, 5, 7000]);
    const classes = ints("class");
    const p = values.get("probabilities")!;
    assert.deepEqual(p.shape, [4, 47]);
    for (let i = 0; i < 4; i++) {
      const row = p.values.slice(i * 47, (i + 1) * 47);
      assert.equal(row.indexOf(Math.max(...row)), classes[i]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict refuses a model whose feature width or class count does not fit, naming both, and bad flags", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await modelFile(`${dir}/narrow.safetensors`, 7, 47);
    await modelFile(`${dir}/few.safetensors`, 100, 10);
    await modelFile(`${dir}/m.safetensors`, 100, 47);
    await Deno.writeTextFile(`${dir}/nodes.txt`, "1\n99999\n");
    const cases: [string[], RegExp][] = [
      [
        [`--model=${dir}/narrow.safetensors`, `--output=${dir}/p.csv`],
        /GraphSAGE\(7, 16, 2, 47\)\) takes 7 features per node, but synthetic-products-0\.003 has 100/,
      ],
      [
        [`--model=${dir}/few.safetensors`, `--output=${dir}/p.csv`],
        /predicts 10 classes, but synthetic-products-0\.003 has 47/,
      ],
      [
        [`--model=${dir}/few.safetensors`, `--output=${dir}/p.txt`],
        /--output=.*p\.txt: name a \.csv or \.safetensors file/,
      ],
      [
        [`--model=${dir}/none.safetensors`, `--output=${dir}/p.csv`],
        /--model=.*none\.safetensors: no such file/,
      ],
      [
        [
          `--model=${dir}/m.safetensors`,
          `--output=${dir}/p.csv`,
          "--inference=sampled",
          "--fanout=3",
        ],
        /--fanout has 1 hops but --model=.* has 2 layers/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await predict(args);
      assert.equal(r.code, 2, `${args}: ${r.stderr}`);
      assert.match(r.stderr, /^webgnn predict: /);
      assert.match(r.stderr, message);
    }
    const r = await predict([
      `--model=${dir}/m.safetensors`,
      `--nodes=${dir}/nodes.txt`,
      `--output=${dir}/p.csv`,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /--nodes=.*nodes\.txt, line 2: node 99999 is not in the graph \(ids 0\.\.7346\)/,
    );
    for (const f of ["p.csv", "p.txt"]) {
      assert.equal(
        await Deno.stat(`${dir}/${f}`).then(() => true, () => false),
        false,
        `${f} left behind`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
