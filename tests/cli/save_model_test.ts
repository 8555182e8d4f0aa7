import assert from "node:assert/strict";
import { readSpec } from "../engine/_safetensors_spec.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;
const TINY = [
  "--scale=0.003",
  "--batch_size=64",
  "--hidden=16",
  "--fanout=4,3",
  "--device=cpu",
  "--cpu_threads=1",
  "--quiet",
];

async function train(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", TRAIN, ...TINY, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("train --save_model --save_best keeps the best-validation model under PyG's names; --init_model starts from it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const best = `${dir}/best.safetensors`;
    const r = await train([
      "--epochs=3",
      `--metrics=${dir}/m.jsonl`,
      `--save_model=${best}`,
      "--save_best",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = (await Deno.readTextFile(`${dir}/m.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    // Every evaluation reports validation and test accuracy, its time, and a timestamp.
    let previous = 0;
    for (const m of lines) {
      assert.ok(m.validAccuracy > 0 && m.validAccuracy <= 1, `valid accuracy ${m.validAccuracy}`);
      assert.ok(m.testAccuracy > 0 && m.testAccuracy <= 1, `test accuracy ${m.testAccuracy}`);
      assert.ok(m.evalMs > 0, `evaluation took ${m.evalMs} ms`);
      const t = Date.parse(m.time);
      assert.ok(t >= previous && /^\d{4}-\d\d-\d\dT.*Z$/.test(m.time), `timestamp ${m.time}`);
      previous = t;
    }
    const epochLines = r.stdout.split("\n").filter((l) => / Epoch \d\/3: /.test(l));
    assert.equal(epochLines.length, 3, r.stdout);
    for (const l of epochLines) {
      assert.match(
        l,
        /^\S+Z Epoch \d\/3: .*, valid accuracy 0\.\d{4}, test accuracy 0\.\d{4} \(evaluated in \d+\.\d\d s\)$/,
      );
    }
    const top = Math.max(...lines.map((m) => m.validAccuracy));
    const bestEpoch = lines.find((m) => m.validAccuracy === top).epoch;
    assert.match(
      r.stdout,
      new RegExp(`saved the model of epoch ${bestEpoch} \\(best valid accuracy`),
    );

    const { header, values } = readSpec(await Deno.readFile(best));
    const meta = header.__metadata__ as Record<string, string>;
    assert.deepEqual(
      [meta.in_channels, meta.hidden_channels, meta.num_layers, meta.out_channels],
      ["100", "16", "2", "47"],
    );
    assert.equal(meta.epoch, String(bestEpoch));
    assert.equal(meta.valid_accuracy, top.toFixed(6));
    assert.equal(meta.fanout, "4,3");
    assert.equal(meta.num_classes, "47");
    assert.match(meta.dataset!, /^synthetic/);
    assert.deepEqual(values.get("convs.0.lin_l.weight")!.shape, [16, 100]);
    assert.deepEqual(values.get("convs.1.lin_r.weight")!.shape, [47, 16]);

    // Starting from it: with a learning rate far below float32's resolution,
    // an epoch leaves every parameter as the file had it.
    const again = `${dir}/again.safetensors`;
    const s = await train([
      "--epochs=1",
      "--lr=1e-30",
      `--init_model=${best}`,
      `--save_model=${again}`,
    ]);
    assert.equal(s.code, 0, s.stderr);
    const second = readSpec(await Deno.readFile(again)).values;
    for (const [name, t] of values) assert.deepEqual(second.get(name), t, name);

    // Another shape is refused, naming the flag, the tensor and both models.
    const wrong = await train(["--epochs=1", "--hidden=8", `--init_model=${best}`]);
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(
      wrong.stderr,
      /--init_model=\S+best\.safetensors does not fit GraphSAGE\(100, 8, 2, 47\): convs\.0\.lin_l\.weight is \[16,100\] there, this model's is \[8,100\] \(it holds GraphSAGE\(100, 16, 2, 47\)\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train refuses --save_best without --save_model and a missing --init_model, before loading", async () => {
  const a = await train(["--save_best"]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--save_best keeps the best model in --save_model's file/);
  const b = await train(["--init_model=/nonexistent/m.safetensors"]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--init_model=\/nonexistent\/m\.safetensors: no such file/);
});
