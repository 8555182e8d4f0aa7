import assert from "node:assert/strict";
import { clusterSecret } from "../../cli/cluster_secret.ts";
import { spawnTrainers } from "../../cli/spawn_trainers.ts";

const SECRET_TS = new URL("../../cli/secret.ts", import.meta.url).href;

async function secretCommand(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env=WEBGNN_DEBUG", SECRET_TS, ...args],
    stdin: "null",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task secret --out writes a fresh 64-hex-character secret with mode 0600 and refuses to overwrite unless asked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/cluster.secret`;
    const first = await secretCommand([`--out=${path}`]);
    assert.equal(first.code, 0, first.stderr);
    const secret = await Deno.readTextFile(path);
    assert.match(secret, /^[0-9a-f]{64}\n$/);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const again = await secretCommand([`--out=${path}`]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--out=.*cluster\.secret exists; pass --overwrite/);
    assert.equal(await Deno.readTextFile(path), secret);
    await Deno.chmod(path, 0o644);
    const replaced = await secretCommand([`--out=${path}`, "--overwrite"]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.notEqual(await Deno.readTextFile(path), secret);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["cluster.secret"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a secret file readable by group or others is used with a warning naming it and chmod 600", async () => {
  const dir = await Deno.makeTempDir();
  const warnings: string[] = [];
  const error = console.error;
  console.error = (line: string) => warnings.push(line);
  try {
    const path = `${dir}/s`;
    await Deno.writeTextFile(path, "0123456789abcdef0123\n", { mode: 0o600 });
    await clusterSecret({ secret: undefined, secretFile: path });
    assert.deepEqual(warnings, []);
    await Deno.chmod(path, 0o640);
    const secret = await clusterSecret({ secret: undefined, secretFile: path });
    assert.equal(new TextDecoder().decode(secret), "0123456789abcdef0123");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /--secret_file=.*\/s is readable by group or others \(mode 0640\)/);
    assert.match(warnings[0]!, /chmod 600 .*\/s$/);
  } finally {
    console.error = error;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("spawnTrainers hands the secret over in the environment, never on a command line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const secret = "a secret that must not show in ps";
    await spawnTrainers(
      new URL("./fixtures/report_args.ts", import.meta.url),
      ["--secret", secret, `--report_dir=${dir}`, "--secret_file=/elsewhere", "--epochs=2"],
      2,
      0,
      new TextEncoder().encode(secret),
    );
    for (const rank of [0, 1]) {
      const seen = JSON.parse(await Deno.readTextFile(`${dir}/${rank}.json`));
      assert.equal(seen.secret, secret);
      assert.deepEqual(seen.args, [`--report_dir=${dir}`, "--epochs=2", `--local_rank=${rank}`]);
      assert.ok(!seen.cmdline.join(" ").includes(secret), seen.cmdline.join(" "));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
