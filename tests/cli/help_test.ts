// Every user command (each `deno task` but the developers' test, check and
// wasm) prints its help with --help and exits 0 without doing anything else,
// so a newcomer can ask any of them what it takes.
import assert from "node:assert/strict";

const ROOT = new URL("../..", import.meta.url).pathname;
const DEVELOPER_TASKS = ["test", "check", "wasm"];

const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)) as {
  tasks: Record<string, string>;
};
const tasks = Object.keys(config.tasks).filter((t) => !DEVELOPER_TASKS.includes(t));

Deno.test(`deno task NAME --help prints the usage and exits 0 (${tasks.join(", ")})`, async () => {
  assert.ok(tasks.includes("demo") && tasks.includes("bench"), `tasks: ${tasks.join(", ")}`);
  const results = await Promise.all(tasks.map(async (task) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", task, "--help"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    return { task, out, text: new TextDecoder().decode(out.stdout) };
  }));
  for (const { task, out, text } of results) {
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `deno task ${task} --help exited ${out.code}: ${stderr}`);
    assert.match(text, new RegExp(`^Usage: ${task} \\[options\\]`, "m"), `${task}: ${text}`);
    assert.match(text, /-h, --help/, task);
    assert.equal(stderr.trim(), "", `deno task ${task} --help wrote to stderr: ${stderr}`);
  }
});

Deno.test("deno task demo and bench turn a misspelt flag into one line naming it, exit 2", async () => {
  for (
    const [task, flag, hint] of [["demo", "--epoch=1", "--epochs"], [
      "bench",
      "--round=1",
      "--rounds",
    ]]
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", task!, flag!],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 2, stderr);
    assert.equal(stderr, `webgnn ${task}: unknown option '${flag}' (Did you mean ${hint}?)`);
    assert.equal(
      new TextDecoder().decode(out.stdout),
      "",
      `${task} started before rejecting ${flag}`,
    );
  }
});

Deno.test("deno task bench --only names the sections it takes when given another, exit 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "bench", "--only=data_path,kernel"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 2, stderr);
  assert.equal(
    stderr,
    `webgnn bench: option '--only <list>' argument 'data_path,kernel' is invalid. ` +
      `expected sections among kernels, data_path, dense, got "kernel"`,
  );
  assert.equal(new TextDecoder().decode(out.stdout), "", "bench started before rejecting --only");
});
