// deno task launch against a real sshd on 127.0.0.2 and 127.0.0.3 (see _ssh_cluster.ts).
import assert from "node:assert/strict";
import { testNeeding } from "../_needs.ts";
import {
  freePort,
  launch,
  must,
  pgrep,
  run,
  SSH,
  TINY,
  waitFor,
  withCluster,
} from "./_ssh_cluster.ts";

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
