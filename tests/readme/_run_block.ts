// Runs a README block for real: in a temporary checkout (the repository's
// files linked, its configuration copied, so relative paths land in a
// temporary directory), each command through bash from the checkout's root as
// a user types it, a cluster's commands as concurrent processes. Every
// command runs in a process group of its own, and the group is killed when
// the command ends, fails or runs past its bound: nothing is left running.
import { dirname } from "node:path";
import type { ReadmeBlock } from "./_blocks.ts";
import { flagsListed, Hosts, planSteps, type Step, substitute, taskOf } from "./_plan.ts";

/** How a block runs: the repository to copy, and each step's bound. */
export interface RunBlockOptions {
  /** The repository root (with its `deno.json`). */
  readonly root: string;
  /** The README's name in errors. */
  readonly file?: string;
  /** Longest a step (one command, or one cluster) may run; default 120 s. */
  readonly stepTimeoutMs?: number;
}

/** Files `deno` reads from the checkout's root and may write: copied, not linked. */
const COPIED = ["deno.json", "deno.lock", "package.json"];

/**
 * Runs `block`'s `before` commands, then its commands, and rejects with an
 * error naming the README line, the command as written and as run, and its
 * last output lines when one exits non-zero or runs past the bound.
 */
export async function runBlock(block: ReadmeBlock, options: RunBlockOptions): Promise<void> {
  const file = options.file ?? "README.md";
  const checkout = await makeCheckout(options.root);
  try {
    const hosts = new Hosts(
      `127.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`,
    );
    const all = [...block.before, ...block.commands];
    const listed = new Map<string, ReadonlySet<string>>();
    const tasks = [...new Set(all.map((c) => taskOf(c.text)))].filter((t) => t !== undefined);
    await Promise.all(tasks.map(async (t) => listed.set(t, await helpFlags(checkout, t))));
    const planned = all.map((c) => ({
      ...c,
      run: substitute(c.text, hosts, (t) => listed.get(t) ?? new Set()),
    }));
    const env = {
      ...Deno.env.toObject(),
      NO_COLOR: "1",
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
    };
    for (const step of planSteps(planned, hosts)) {
      await runStep(step, checkout, env, options.stepTimeoutMs ?? 120_000, file);
    }
  } finally {
    await Deno.remove(checkout, { recursive: true });
  }
}

/** A temporary directory that is the repository as far as `deno task` can tell. */
async function makeCheckout(root: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-readme-" });
  const ignored = new Set(
    (await Deno.readTextFile(`${root}/.gitignore`).catch(() => "")).split("\n")
      .map((l) => l.trim().replace(/^\//, "").replace(/\/$/, ""))
      .filter((l) => l !== "" && !/[*?[!#]/.test(l)),
  );
  ignored.delete("node_modules");
  for await (const e of Deno.readDir(root)) {
    if (e.name === ".git" || ignored.has(e.name)) continue;
    if (COPIED.includes(e.name)) await Deno.copyFile(`${root}/${e.name}`, `${dir}/${e.name}`);
    else await Deno.symlink(`${root}/${e.name}`, `${dir}/${e.name}`);
  }
  return dir;
}

const helps = new Map<string, Promise<ReadonlySet<string>>>();

/**
 * The flags `deno task NAME --help` lists (none where it has no help), asked
 * once per task: every block's checkout has the same tasks.
 */
function helpFlags(checkout: string, task: string): Promise<ReadonlySet<string>> {
  let flags = helps.get(task);
  if (flags === undefined) {
    helps.set(
      task,
      flags = new Deno.Command(Deno.execPath(), {
        args: ["task", "--quiet", task, "--help"],
        cwd: checkout,
        env: { NO_COLOR: "1" },
        stdin: "null",
      }).output().then((out) =>
        out.code === 0 ? flagsListed(new TextDecoder().decode(out.stdout)) : new Set<string>()
      ),
    );
  }
  return flags;
}

interface Running {
  readonly child: Deno.ChildProcess;
  readonly output: Promise<string>;
  readonly status: Promise<Deno.CommandStatus>;
}

async function runStep(
  step: Step,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  file: string,
): Promise<void> {
  const running = step.map((c): Running => {
    const child = new Deno.Command("bash", {
      args: ["-c", `set -o pipefail; ${c.run}`],
      cwd,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    const output = Promise.all([collect(child.stdout), collect(child.stderr)])
      .then(([o, e]) => o + e);
    return { child, output, status: child.status };
  });
  const describe = async (k: number, what: string) => {
    const c = step[k]!;
    const tail = (await running[k]!.output).trimEnd().split("\n").slice(-15).join("\n  ");
    return `${file}:${c.line}: \`${c.text}\` ${what}\n  (run as: ${c.run})\n  ${tail}\n` +
      "Fix the command, or if it cannot run in a test, mark its block " +
      '<!-- readme-test: skip (why) --> (see tests/README.md, "README blocks")';
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
  const pending = new Set(running.map((_, k) => k));
  try {
    while (pending.size > 0) {
      const first = await Promise.race([
        deadline,
        ...[...pending].map((k) => running[k]!.status.then((s) => ({ k, s }))),
      ]);
      if (first === "timeout") {
        const late = [...pending];
        await stopAll(running);
        const why = await Promise.all(
          late.map((k) => describe(k, `did not finish in ${timeoutMs / 1000} s`)),
        );
        throw new Error(why.join("\n"));
      }
      pending.delete(first.k);
      if (first.s.code !== 0) {
        await stopAll(running);
        throw new Error(await describe(first.k, `exited with code ${first.s.code}`));
      }
    }
  } finally {
    clearTimeout(timer);
    await stopAll(running);
  }
}

/** Kills every command's process group (TERM, then KILL 3 s later) and waits for its output. */
async function stopAll(running: readonly Running[]): Promise<void> {
  const signal = (pid: number, s: Deno.Signal) => {
    try {
      Deno.kill(-pid, s);
    } catch {
      // the group has ended
    }
  };
  await Promise.all(running.map(async ({ child, status, output }) => {
    signal(child.pid, "SIGTERM");
    let t: ReturnType<typeof setTimeout> | undefined;
    const killed = new Promise((r) => t = setTimeout(r, 3000));
    await Promise.race([status, killed]);
    clearTimeout(t);
    signal(child.pid, "SIGKILL");
    await status;
    await output;
  }));
}

/** A stream's text, at most its last 64 KiB. */
async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text = (text + chunk).slice(-65536);
  }
  return text;
}
