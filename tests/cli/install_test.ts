// A fresh `deno install --frozen` of the project's dependencies, in a copy of
// its configuration: quiet, and msgpackr still finds its native string
// decoder (a prebuilt binary in an npm package, which needs no build script).
import assert from "node:assert/strict";

const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test("a fresh deno install prints no build-script warning, and msgpackr's native decoder still loads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-install-test-" });
  try {
    for (const f of ["deno.json", "package.json", "deno.lock"]) {
      await Deno.copyFile(`${ROOT}/${f}`, `${dir}/${f}`);
    }
    const env = { NO_COLOR: "1" };
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["install", "--frozen"],
      cwd: dir,
      env,
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(install.stderr);
    assert.equal(install.code, 0, stderr);
    assert.doesNotMatch(stderr, /Ignored build scripts|Warning/);
    await Deno.writeTextFile(
      `${dir}/probe.ts`,
      'import { isNativeAccelerationEnabled } from "msgpackr";\nconsole.log(isNativeAccelerationEnabled);\n',
    );
    const probe = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--quiet", "probe.ts"],
      cwd: dir,
      env,
      stdin: "null",
    }).output();
    assert.equal(new TextDecoder().decode(probe.stdout).trim(), "true");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
