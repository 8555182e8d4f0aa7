// deno task launch against a real sshd on 127.0.0.2 and 127.0.0.3 (one
// server listening on both), with keys, known_hosts and the client's config
// in a temporary directory: nothing under ~/.ssh is read or written.
import assert from "node:assert/strict";
import { forEachLine } from "../../cli/for_each_line.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { findOnPath, testNeeding } from "../_needs.ts";

const LAUNCH = new URL("../../cli/launch.ts", import.meta.url).pathname;
const REPO = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const HOSTS = ["127.0.0.2", "127.0.0.3"] as const;
const SSH = ["sshd", "ssh"] as const;
const TINY = ["--batch_size=64", "--fanout=5,5", "--hidden=32", "--device=cpu", "--eval_every=0"];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end, killed after `timeoutMs`. */
async function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<Result> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const t0 = performance.now();
  try {
    const out = await new Deno.Command(cmd, { args, stdin: "null", signal: abort.signal }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      code: out.code,
      stdout: text(out.stdout),
      stderr: text(out.stderr),
      ms: performance.now() - t0,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function must(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function launch(args: string[], timeoutMs = 30_000): Promise<Result> {
  return run(Deno.execPath(), ["run", "--allow-all", LAUNCH, ...args], timeoutMs);
}

/** A TCP port free on every test host a moment ago. */
function freePort(): number {
  for (let attempt = 0; attempt < 20; attempt++) {
    const l = Deno.listen({ hostname: HOSTS[0], port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    try {
      Deno.listen({ hostname: HOSTS[1], port }).close();
      return port;
    } catch {
      // taken on the other address; try another
    }
  }
  throw new Error("no port free on both test addresses");
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number) {
  const end = performance.now() + timeoutMs;
  while (!(await ok())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids whose command line matches `pattern` (pgrep -f). */
async function pgrep(pattern: string): Promise<number[]> {
  const r = await run("pgrep", ["-f", "--", pattern]);
  return r.stdout.trim().split("\n").filter((l) => l !== "").map(Number);
}

/** A temporary directory with an sshd on both test hosts and a cluster file reaching it. */
async function withCluster(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-launch-test-" });
  let sshd: Deno.ChildProcess | undefined;
  const sshdLog: string[] = [];
  let logged: Promise<void> | undefined;
  try {
    await must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/host_key`]);
    await must("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${dir}/client_key`]);
    await Deno.copyFile(`${dir}/client_key.pub`, `${dir}/authorized_keys`);
    const port = freePort();
    const hostKey = (await Deno.readTextFile(`${dir}/host_key.pub`)).trim();
    await Deno.writeTextFile(
      `${dir}/known_hosts`,
      HOSTS.map((h) => `[${h}]:${port} ${hostKey}\n`).join(""),
    );
    await Deno.writeTextFile(
      `${dir}/sshd_config`,
      [
        `Port ${port}`,
        ...HOSTS.map((h) => `ListenAddress ${h}`),
        `HostKey ${dir}/host_key`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PidFile none",
        "LogLevel ERROR",
        "",
      ].join("\n"),
    );
    await Deno.writeTextFile(
      `${dir}/ssh_config`,
      [
        "Host *",
        `  Port ${port}`,
        `  User ${Deno.env.get("USER") ?? "root"}`,
        `  IdentityFile ${dir}/client_key`,
        "  IdentitiesOnly yes",
        `  UserKnownHostsFile ${dir}/known_hosts`,
        "  StrictHostKeyChecking yes",
        "",
      ].join("\n"),
    );
    // sshd's privilege separation directory, which its service unit creates.
    await Deno.mkdir("/run/sshd", { recursive: true, mode: 0o755 });
    sshd = new Deno.Command(findOnPath("sshd") ?? "sshd", {
      args: ["-D", "-e", "-f", `${dir}/sshd_config`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    logged = forEachLine(sshd.stderr, (l) => sshdLog.push(l));
    await waitFor("sshd", async () => {
      try {
        (await Deno.connect({ hostname: HOSTS[1], port })).close();
        return true;
      } catch {
        return false;
      }
    }, 5000);
    const dataset = generateSynthetic({ scale: 0.002, seed: 3, quiet: true });
    await partitionDataset(dataset, {
      numPartitions: 2,
      partitioner: "locality",
      output: `${dir}/parts`,
      quiet: true,
    });
    await Deno.writeTextFile(
      `${dir}/cluster.yml`,
      [
        "defaults:",
        `  working_dir: ${REPO}`,
        `  deno: ${Deno.execPath()}`,
        `  dataset_root_dir: ${dir}/parts`,
        `  ssh_config_file: ${dir}/ssh_config`,
        "nodes:",
        ...HOSTS.map((h) => `  - host: ${h}`),
        "",
      ].join("\n"),
    );
    await fn(dir);
  } catch (err) {
    if (sshdLog.length) console.error(`sshd said:\n${sshdLog.join("\n")}`);
    throw err;
  } finally {
    if (sshd) {
      sshd.kill("SIGTERM");
      await sshd.status;
      await logged;
    }
    await Deno.remove(dir, { recursive: true });
  }
}

await testNeeding(
  SSH,
  "launch runs train on both nodes over ssh and shows node 0's epoch lines",
  async () => {
    await withCluster(async (dir) => {
      const r = await launch([
        `--config=${dir}/cluster.yml`,
        `--master_port=${freePort()}`,
        "--epochs=2",
        ...TINY,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^\[node 0\] \S+Z Epoch 2\/2: .*, loss \d+\.\d{4}, valid accuracy 0\.\d{4}, test accuracy 0\.\d{4} \(evaluated in \d+\.\d\d s\)$/m,
      );
      assert.match(r.stdout, /^\[node 0\] webgnn: 2 nodes x 1 trainers/m);
    });
  },
);

await testNeeding(
  SSH,
  "launch fails fast naming the node whose working directory is wrong, and stops the other",
  async () => {
    await withCluster(async (dir) => {
      const config = `${dir}/cluster.yml`;
      await Deno.writeTextFile(config, `    working_dir: ${dir}/no-such-dir\n`, { append: true });
      const marker = `wrongdir-${crypto.randomUUID()}`;
      const r = await launch([
        `--config=${config}`,
        `--master_port=${freePort()}`,
        `--metrics=${dir}/${marker}{rank}`,
        ...TINY,
      ]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /webgnn launch: node 1 \(127\.0\.0\.3\) exited with status 2: .*no working directory .*no-such-dir/,
      );
      // Well under the 60 s RPC timeout that would otherwise end node 0: it was stopped, not timed out.
      assert.ok(r.ms < 30_000, `failed after ${r.ms} ms`);
      assert.deepEqual(await pgrep(marker), [], "nothing of the launch is left running");
    });
  },
);

await testNeeding(
  SSH,
  "when a node dies, launch stops the other: nothing lingers, even a frozen training",
  async () => {
    await withCluster(async (dir) => {
      const marker = `crash-${crypto.randomUUID()}`;
      const running = launch([
        `--config=${dir}/cluster.yml`,
        `--master_port=${freePort()}`,
        "--epochs=1000",
        `--metrics=${dir}/${marker}{rank}`,
        ...TINY,
      ]);
      try {
        const trainer = (rank: number) => `cli/train\\.ts .*--node_rank=${rank} .*${marker}`;
        await waitFor("both nodes' trainers", async () =>
          (await pgrep(trainer(0))).length > 0 &&
          (await pgrep(trainer(1))).length > 0, 20_000);
        // The secret reached each node in its environment and is on no command line.
        const secrets = await Promise.all([0, 1].map(async (rank) => {
          const pid = (await pgrep(trainer(rank)))[0]!;
          const env = await Deno.readTextFile(`/proc/${pid}/environ`);
          return /(?:^|\0)WEBGNN_SECRET=([^\0]*)/.exec(env)?.[1];
        }));
        assert.match(secrets[0] ?? "", /^[0-9a-f]{64}$/);
        assert.equal(secrets[1], secrets[0]);
        for (const entry of Deno.readDirSync("/proc")) {
          if (!/^\d+$/.test(entry.name)) continue;
          let cmdline = "";
          try {
            cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
          } catch {
            continue; // exited meanwhile
          }
          assert.ok(
            !cmdline.includes(secrets[0]!),
            `the secret is in process ${entry.name}'s arguments`,
          );
        }
        // Freeze node 0's deno processes so they cannot end on their own (a
        // frozen process ignores SIGTERM too), then kill node 1's trainer.
        const node0 = await pgrep(`^\\S*deno (task|run) .*--node_rank=0 .*${marker}`);
        assert.ok(node0.length >= 2, "deno task and its trainer");
        await must("kill", ["-STOP", ...node0.map(String)]);
        await must("kill", ["-KILL", ...(await pgrep(trainer(1))).map(String)]);
        const r = await running;
        assert.equal(r.code, 1);
        assert.match(r.stderr, /webgnn launch: node 1 \(127\.0\.0\.3\) exited with status \d+/);
        assert.deepEqual(await pgrep(marker), [], "nothing of the launch is left running");
      } finally {
        await running;
        const left = await pgrep(marker);
        if (left.length) await run("kill", ["-KILL", ...left.map(String)]);
      }
    });
  },
);

Deno.test("launch rejects a cluster file it cannot use with exit code 2 naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-launch-test-" });
  try {
    await Deno.writeTextFile(`${dir}/c.yml`, "nodes:\n  - host: a\n    port: [22]\n");
    const bad = await launch([`--config=${dir}/c.yml`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /c\.yml: nodes\[0\]\.port: expected a number, got a list/);
    const missing = await launch([`--config=${dir}/none.yml`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.yml: cannot read the cluster file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launch --dry_run prints each node's ssh command and forwards train's flags", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-launch-test-" });
  try {
    await Deno.writeTextFile(
      `${dir}/c.yml`,
      "defaults: {working_dir: /opt/webgnn, num_training_procs: 2}\n" +
        "nodes: [{host: h0, node_addr: 10.0.0.1}, {host: h1, node_addr: 10.0.0.2, user: bob}]\n",
    );
    const r = await launch([
      `--config=${dir}/c.yml`,
      "--epochs",
      "7",
      "--master_port=12345",
      "--batch_size=2048",
      "--dry_run",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const commands = r.stdout.split(/^# /m).slice(1);
    assert.equal(commands.length, 2);
    for (const [rank, text] of commands.entries()) {
      assert.match(text, new RegExp(`^node ${rank} \\((bob@)?h${rank}\\)`));
      assert.match(text, /^ssh -T -o BatchMode=yes -o ConnectTimeout=10 /m);
      assert.match(
        text,
        new RegExp(
          `task --quiet train --num_nodes=2 --node_rank=${rank} --master_addr=10\\.0\\.0\\.1 ` +
            `--master_port=12345 --node_addr=10\\.0\\.0\\.${rank + 1} --num_training_procs=2 ` +
            `${rank ? "--quiet " : ""}--epochs 7 --batch_size=2048`,
        ),
      );
    }
    assert.doesNotMatch(r.stdout, /WEBGNN_SECRET=[^\s]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launch rejects flags it sets itself, and mistyped train flags, before starting anything", async () => {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-launch-test-" });
  try {
    await Deno.writeTextFile(`${dir}/c.yml`, "nodes: [{host: h0, working_dir: /w}]\n");
    const secret = await launch([`--config=${dir}/c.yml`, "--secret=0123456789abcdef0123"]);
    assert.equal(secret.code, 2);
    assert.match(secret.stderr, /--secret is set by launch/);
    const typo = await launch([`--config=${dir}/c.yml`, "--epoch=3"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option '--epoch=3'/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
