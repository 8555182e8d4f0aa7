import assert from "node:assert/strict";
import { CheckpointDir } from "../../cli/checkpoint_dir.ts";
import { decodeCheckpoint, encodeCheckpoint } from "../../cli/checkpoint_file.ts";
import { CheckpointFormatError } from "../../cli/checkpoint_format_error.ts";
import { UsageError } from "../../cli/usage_error.ts";
import type { Fingerprint } from "../../dist/cluster/fingerprint.ts";
import { rng } from "../_random.ts";

const fingerprint: Fingerprint = [["--hidden", "16"], ["--lr", "0.003"], ["--epochs", "5"]];

function state(n: number, seed: number) {
  const random = rng(seed);
  const v = () => Float32Array.from({ length: n }, () => random() * 2 - 1);
  return { parameters: v(), moment1: v(), moment2: v(), adamSteps: seed };
}

async function withDir(body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-checkpoints-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a checkpoint round-trips bit for bit, and a torn or flipped file is refused", async () => {
  const c = { epoch: 7, fingerprint, state: state(1001, 3) };
  const bytes = await encodeCheckpoint(c);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "WGNNCKPT");
  const back = await decodeCheckpoint(bytes);
  assert.deepEqual(back, c);
  await assert.rejects(
    () => decodeCheckpoint(bytes.slice(0, bytes.length - 100)),
    (e) => e instanceof CheckpointFormatError && /torn or corrupt/.test(e.message),
  );
  const flipped = bytes.slice();
  flipped[100 + (flipped.length >> 1)]! ^= 4;
  await assert.rejects(() => decodeCheckpoint(flipped), /checksum mismatch/);
  await assert.rejects(() => decodeCheckpoint(bytes.slice(0, 20)), /torn \(too short\)/);
});

Deno.test("CheckpointDir keeps the newest few, and leaves no temporary file", async () => {
  await withDir(async (dir) => {
    const ck = await CheckpointDir.open(`${dir}/ck`, 2);
    await Deno.writeTextFile(`${dir}/ck/.epoch-000009.ckpt.tmp`, "left by a write killed midway");
    for (let epoch = 1; epoch <= 4; epoch++) {
      const saved = await ck.save({ epoch, fingerprint, state: state(64, epoch) });
      assert.equal(saved.bytes, (await Deno.stat(saved.path)).size);
    }
    const names = [];
    for await (const e of Deno.readDir(`${dir}/ck`)) names.push(e.name);
    assert.deepEqual(names.sort(), ["epoch-000003.ckpt", "epoch-000004.ckpt"]);
  });
});

Deno.test("CheckpointDir.newest() skips a torn or mismatched file naming it and why; --epochs may change", async () => {
  await withDir(async (dir) => {
    const ck = await CheckpointDir.open(dir, 5);
    for (let epoch = 1; epoch <= 3; epoch++) {
      await ck.save({ epoch, fingerprint, state: state(64, epoch) });
    }
    const other: Fingerprint = [["--hidden", "16"], ["--lr", "0.01"], ["--epochs", "5"]];
    await ck.save({ epoch: 4, fingerprint: other, state: state(64, 4) });
    const torn = await Deno.readFile(`${dir}/epoch-000003.ckpt`);
    await Deno.writeFile(`${dir}/epoch-000003.ckpt`, torn.subarray(0, 200));
    const warnings: string[] = [];
    const longer: Fingerprint = [["--hidden", "16"], ["--lr", "0.003"], ["--epochs", "9"]];
    const found = await ck.newest(longer, ["--epochs"], (l) => warnings.push(l));
    assert.equal(found?.checkpoint.epoch, 2);
    assert.deepEqual(found?.checkpoint.state, state(64, 2));
    assert.equal(warnings.length, 2);
    assert.match(
      warnings[0]!,
      /epoch-000004\.ckpt: it was made with --lr=0\.01, this run has --lr=0\.003/,
    );
    assert.match(warnings[1]!, /epoch-000003\.ckpt: checksum mismatch \(torn or corrupt\)/);
  });
});

Deno.test("CheckpointDir.newest() refuses to resume when every checkpoint was made with another configuration, naming the field", async () => {
  await withDir(async (dir) => {
    const ck = await CheckpointDir.open(dir, 5);
    await ck.save({ epoch: 1, fingerprint, state: state(64, 1) });
    const wider: Fingerprint = [["--hidden", "32"], ["--lr", "0.003"], ["--epochs", "5"]];
    await assert.rejects(
      () => ck.newest(wider, [], () => {}),
      (e) =>
        e instanceof UsageError &&
        /--resume: no checkpoint in .* fits this run: .*epoch-000001\.ckpt: it was made with --hidden=16, this run has --hidden=32/
          .test(e.message),
    );
    // An empty directory is a fresh start, not an error.
    await Deno.remove(`${dir}/epoch-000001.ckpt`);
    assert.equal(await ck.newest(wider, [], () => {}), undefined);
  });
});
