import assert from "node:assert/strict";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;

async function train(evalMode: string, dir: string) {
  const metrics = `${dir}/${evalMode}.jsonl`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      TRAIN,
      "--scale=0.005",
      "--batch_size=64",
      "--epochs=3",
      "--device=cpu",
      "--quiet",
      `--eval=${evalMode}`,
      `--metrics=${metrics}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = (await Deno.readTextFile(metrics)).trim().split("\n").map((l) => JSON.parse(l));
  return lines.map((m) => m.testAccuracy as number);
}

Deno.test("train --eval=layerwise reports test accuracy every epoch, close to sampled evaluation", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const layerwise = await train("layerwise", dir);
    const sampled = await train("sampled", dir);
    assert.equal(layerwise.length, 3);
    const last = layerwise[2]!, chance = 1 / 47;
    assert.ok(last > 5 * chance, `layer-wise accuracy ${last} learns`);
    assert.ok(Math.abs(last - sampled[2]!) < 0.1, `layer-wise ${last} vs sampled ${sampled[2]}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
