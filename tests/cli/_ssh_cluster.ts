// For the tests of deno task launch: a real sshd on 127.0.0.2 and 127.0.0.3
// (one server listening on both), with keys, known_hosts and the client's
// config in a temporary directory: nothing under ~/.ssh is read or written.
import assert from "node:assert/strict";
import { forEachLine } from "../../cli/for_each_line.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { findOnPath } from "../_needs.ts";

export const LAUNCH = new URL("../../cli/launch.ts", import.meta.url).pathname;
export const REPO = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const HOSTS = ["127.0.0.2", "127.0.0.3"] as const;
export const SSH = ["sshd", "ssh"] as const;
export const TINY = [
  "--batch_size=64",
  "--fanout=5,5",
  "--hidden=32",
  "--device=cpu",
  "--eval_every=0",
];

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end, killed after `timeoutMs`. */
export async function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<Result> {
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

export async function must(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

export function launch(args: string[], timeoutMs = 30_000): Promise<Result> {
  return run(Deno.execPath(), ["run", "--allow-all", LAUNCH, ...args], timeoutMs);
}

/** A TCP port free on every test host a moment ago. */
export function freePort(): number {
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

export async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number) {
  const end = performance.now() + timeoutMs;
  while (!(await ok())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids whose command line matches `pattern` (pgrep -f). */
export async function pgrep(pattern: string): Promise<number[]> {
  const r = await run("pgrep", ["-f", "--", pattern]);
  return r.stdout.trim().split("\n").filter((l) => l !== "").map(Number);
}

/** A temporary directory with an sshd on both test hosts and a cluster file reaching it. */
export async function withCluster(fn: (dir: string) => Promise<void>): Promise<void> {
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
