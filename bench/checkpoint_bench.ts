// Checkpoints at ogbn-products' model size (GraphSAGE, 3 layers, hidden 256,
// 100 features in, 47 classes out: the same whatever the graph's size): the
// file's size and the time to read the state off the CPU backend, write it
// atomically (temporary file, fsync, rename, directory fsync) and read it
// back. Printed once, then timed by `deno bench`.
import { CheckpointDir } from "../cli/checkpoint_dir.ts";
import { decodeCheckpoint } from "../cli/checkpoint_file.ts";
import { CpuDevice } from "../engine/cpu_device.ts";
import { SageModel } from "../engine/sage_model.ts";
import { readTrainingState } from "../engine/training_state.ts";

const device = new CpuDevice({ threads: 1 });
const model = new SageModel(device, { inDim: 100, hidden: 256, outDim: 47, numLayers: 3 });
const tmp = await Deno.makeTempDir({ prefix: "webgnn-checkpoint-bench-" });
const dir = await CheckpointDir.open(tmp, 3);
const fingerprint = [["--hidden", "256"], ["--lr", "0.003"]] as const;
let epoch = 0;

async function save() {
  const state = await readTrainingState(device, model);
  return await dir.save({ epoch: ++epoch, fingerprint, state });
}

{
  const times: number[] = [];
  let saved = await save();
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    saved = await save();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const r0 = performance.now();
  await decodeCheckpoint(await Deno.readFile(saved.path));
  console.log(
    `checkpoint at ogbn-products' model size: ${model.numParameters} parameters, ${saved.bytes} bytes ` +
      `(${(saved.bytes / 2 ** 20).toFixed(2)} MiB); state read + atomic write median ` +
      `${times[5]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[9]!.toFixed(1)}); ` +
      `read back and verified in ${(performance.now() - r0).toFixed(1)} ms; ` +
      `load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
  );
}

Deno.bench("checkpoint: read the state and write it atomically (products' model)", async () => {
  await save();
});

globalThis.addEventListener("unload", () => {
  model.destroy();
  device.destroy();
  Deno.removeSync(tmp, { recursive: true });
});
