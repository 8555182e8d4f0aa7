import assert from "node:assert/strict";
import { ensureRuntimeDir } from "../../engine/ensure_runtime_dir.ts";
import { testNeeding } from "../_needs.ts";

const WEBGPU_DEVICE = new URL("../../engine/webgpu_device.ts", import.meta.url).href;

await testNeeding(
  ["webgpu"],
  "WebGpuDevice.create() in a process without XDG_RUNTIME_DIR leaves Mesa nothing to complain about",
  async () => {
    const env = { ...Deno.env.toObject() };
    delete env.XDG_RUNTIME_DIR;
    const code = `import { WebGpuDevice } from ${JSON.stringify(WEBGPU_DEVICE)};\n` +
      "const gpu = await WebGpuDevice.create();\nconsole.log(gpu !== undefined);\ngpu?.destroy();\n";
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      env,
      clearEnv: true,
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "true");
    assert.doesNotMatch(stderr, /XDG_RUNTIME_DIR/);
  },
);

Deno.test("ensureRuntimeDir() keeps a private directory the user set and replaces an invalid one", () => {
  const before = Deno.env.get("XDG_RUNTIME_DIR");
  const mine = Deno.makeTempDirSync();
  try {
    Deno.chmodSync(mine, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", mine);
    assert.equal(ensureRuntimeDir(), mine);
    Deno.chmodSync(mine, 0o755); // others may enter: not a runtime directory
    const replaced = ensureRuntimeDir();
    assert.ok(replaced !== undefined && replaced !== mine);
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), replaced);
    assert.equal(Deno.statSync(replaced).mode! & 0o777, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", `${mine}/missing`);
    assert.equal(ensureRuntimeDir(), replaced, "the same private directory each time");
  } finally {
    if (before === undefined) Deno.env.delete("XDG_RUNTIME_DIR");
    else Deno.env.set("XDG_RUNTIME_DIR", before);
    Deno.removeSync(mine, { recursive: true });
  }
});
