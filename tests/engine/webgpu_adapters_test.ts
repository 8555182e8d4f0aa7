import assert from "node:assert/strict";
import { listWebGpuAdapters } from "../../engine/webgpu_adapters.ts";
import { parseTrainFlags } from "../../cli/train_flags.ts";
import { testNeeding } from "../_needs.ts";

const PROBE = new URL("../../engine/webgpu_adapters.ts", import.meta.url).href;

/** The features of the adapter a fresh process gets after `useWebGpuAdapter(index)`. */
async function featuresOf(index: number): Promise<string> {
  const code = `import { useWebGpuAdapter } from "${PROBE}";
    await useWebGpuAdapter(${index});
    const a = await navigator.gpu.requestAdapter();
    console.log([...a.features].sort().join(","));`;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], stdin: "null" })
    .output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

await testNeeding(
  ["webgpu"],
  "--device=webgpu:N reaches each adapter of the machine: lavapipe over Vulkan and llvmpipe over GL are two",
  async () => {
    const adapters = await listWebGpuAdapters();
    const backends = adapters.map((a) => a.backend);
    assert.ok(
      backends.includes("vulkan"),
      `a Vulkan adapter is listed: ${JSON.stringify(adapters)}`,
    );
    assert.deepEqual(adapters.map((a) => a.index), adapters.map((_, i) => i));
    if (backends.includes("gl")) {
      // Mesa's Vulkan and GL drivers offer different features: each index reaches its own.
      const v = await featuresOf(backends.indexOf("vulkan"));
      const g = await featuresOf(backends.indexOf("gl"));
      assert.notEqual(v, g, "webgpu:N of the Vulkan and the GL adapter are different adapters");
      assert.ok(g.includes("texture-compression-etc2"), `the GL adapter's features: ${g}`);
    }
  },
);

Deno.test("--visible_devices gives trainer k the k-th listed adapter and the node one trainer per device", () => {
  const node = parseTrainFlags(["--num_nodes=2", "--visible_devices=3,1"]);
  assert.equal(node.numTrainingProcs, 2);
  const trainer = parseTrainFlags(["--num_nodes=2", "--visible_devices=3,1", "--local_rank=1"]);
  assert.deepEqual([trainer.device, trainer.adapter], ["webgpu", 1]);
  assert.deepEqual(parseTrainFlags(["--device=webgpu:2"]).adapter, 2);
  assert.throws(
    () => parseTrainFlags(["--visible_devices=0,1", "--num_training_procs=3"]),
    /--visible_devices lists 2 devices but --num_training_procs=3/,
  );
  // torchrun-style: LOCAL_RANK picks the device.
  const env = {
    RANK: "1",
    WORLD_SIZE: "2",
    LOCAL_RANK: "1",
    LOCAL_WORLD_SIZE: "2",
    MASTER_ADDR: "h",
  };
  assert.equal(parseTrainFlags(["--visible_devices=0,5"], env).adapter, 5);
});
