import assert from "node:assert/strict";
import { parseTrainFlags } from "../../cli/train_flags.ts";
import { UsageError } from "../../cli/usage_error.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;

Deno.test("parseTrainFlags() gives GLT's defaults", () => {
  const f = parseTrainFlags([]);
  assert.deepEqual(f.fanout, [15, 10, 5]);
  assert.equal(f.numLayers, 3);
  assert.equal(f.hidden, 256);
  assert.equal(f.epochs, 10);
  assert.equal(f.batchSize, 512);
  assert.equal(f.device, "auto");
  assert.equal(f.evalMode, "sampled");
  assert.equal(f.dashboard, undefined, "no page unless asked");
  const d = parseTrainFlags(["--num_nodes=2", "--dashboard=[::1]:0"]).dashboard;
  assert.deepEqual(d, { hostname: "::1", port: 0 });
});

for (
  const [args, message] of [
    [["--fanout=15,-1,5"], /--fanout.*non-negative integers/],
    [["--fanout=15,2.5"], /--fanout/],
    [["--batch_size=0"], /--batch_size.*positive integer/],
    [["--epochs=two"], /--epochs/],
    [["--num_layers=2"], /--fanout has 3 hops but --num_layers is 2/],
    [["--device=tpu"], /--device must be auto, webgpu, webgpu:N or cpu/],
    [["--node_rank=2", "--num_nodes=2"], /--node_rank=2 must be below --num_nodes=2/],
    [["--bogus=1"], /unknown option '--bogus=1'/],
    [["--dropout=1"], /--dropout must be in \[0, 1\)/],
    [["--eval=full"], /--eval must be sampled or layerwise, got "full"/],
    [["--eval=layerwise", "--num_nodes=2"], /--eval=layerwise runs on one node only/],
    [["--dashboard=8080"], /--dashboard.*expected HOST:PORT/],
    [["--dashboard=host:70000"], /--dashboard.*expected HOST:PORT \(port 0 to 65535\)/],
  ] as const
) {
  Deno.test(`parseTrainFlags() rejects ${args.join(" ")} with a usage error`, () => {
    assert.throws(
      () => parseTrainFlags([...args]),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  });
}

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", TRAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr).trim() };
}

Deno.test("train ends a bad flag with one line and exit code 2, no stack trace", async () => {
  const r = await run(["--batch_size=0"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /^webgnn train: .*--batch_size/);
});

Deno.test("train names an unknown dataset and a missing dataset directory", async () => {
  const unknown = await run(["--dataset=cora"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--dataset=cora: unknown dataset/);
  const missing = await run([
    "--dataset=ogbn-products",
    "--dataset_root_dir=/nonexistent/products",
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--dataset_root_dir=\/nonexistent\/products: no OGB raw layout/);
  assert.equal(missing.stderr.split("\n").length, 1, missing.stderr);
});
