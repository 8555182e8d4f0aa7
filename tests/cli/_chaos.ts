// Helpers of the chaos tests: cluster processes run for real on their own
// loopback addresses, a fault injected mid-epoch, and what is left afterwards
// read from the process table and the socket table.
import assert from "node:assert/strict";

const CLI = new URL("../../cli/", import.meta.url);
const SECRET = "a test secret of the chaos cluster";
const OWN_ERROR = /^webgnn [\w-]+: /;

/** One command of a cluster (a node, a server, a client), with its output. */
export class Proc {
  readonly child: Deno.ChildProcess;
  stdout = "";
  stderr = "";
  /** Exit code and when it came (performance.now()). */
  readonly exited: Promise<{ code: number; at: number }>;
  readonly #streams: Promise<void>;

  constructor(readonly name: string, command: string, args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", new URL(`${command}.ts`, CLI).href, ...args],
      env: { WEBGNN_SECRET: SECRET },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const read = async (s: ReadableStream<Uint8Array>, to: "stdout" | "stderr") => {
      for await (const chunk of s.pipeThrough(new TextDecoderStream())) this[to] += chunk;
    };
    this.#streams = Promise.all([
      read(this.child.stdout, "stdout"),
      read(this.child.stderr, "stderr"),
    ]).then(() => {});
    this.exited = this.child.status.then(async (s) => {
      const at = performance.now();
      await this.#streams;
      return { code: s.code, at };
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  /** The last line the command printed as its own error (`webgnn train: ...`). */
  get lastError(): string | undefined {
    return this.stderr.split("\n").filter((l) => OWN_ERROR.test(l)).at(-1);
  }

  /** Waits until stdout has a line matching `pattern`; fails after `ms`. */
  async waitFor(pattern: RegExp, ms: number): Promise<void> {
    const deadline = performance.now() + ms;
    while (!pattern.test(this.stdout)) {
      if (performance.now() > deadline) {
        throw new Error(`${this.name}: no ${pattern} within ${ms} ms; stderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  signal(sig: Deno.Signal): void {
    kill(this.pid, sig);
  }
}

/** Sends `sig` to `pid` unless it is gone. */
export function kill(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Every process below `pid` in the process table (children, their children, ...). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry.name)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Which of `pids` are still in the process table (zombies count as gone). */
export function alive(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  });
}

/** Listening TCP sockets (`ip:port`) whose address starts with `prefix`, from /proc/net/tcp. */
export function listeners(prefix: string): string[] {
  const out: string[] = [];
  for (const line of Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (!local || state !== "0A") continue; // 0A: LISTEN
    const [hex, port] = local.split(":") as [string, string];
    const ip = [3, 2, 1, 0].map((i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)).join(".");
    if (ip.startsWith(prefix)) out.push(`${ip}:${parseInt(port, 16)}`);
  }
  return out;
}

/** What a scenario checks once the fault is in. */
export interface Expectation {
  /** The processes that must end by themselves, non-zero, in time, naming the peer. */
  readonly survivors: readonly Proc[];
  /** Every command of the scenario (awaited at the end). */
  readonly procs: readonly Proc[];
  /** The processes the fault stopped: killed here once the survivors ended. */
  readonly stopped: readonly number[];
  /** What every survivor's last error line must match: the peer's role, rank and address. */
  readonly names: RegExp;
  /** The fault, sent at `t0` (performance.now()). */
  readonly t0: number;
  /** Seconds a survivor may take to exit after the fault. */
  readonly boundS: number;
  /** Loopback prefix of the scenario's addresses, e.g. `127.77.3.`. */
  readonly prefix: string;
  /** Every process of the scenario, recorded before the fault. */
  readonly all: readonly number[];
  /** Where to log the line of the note's table. */
  readonly label: string;
}

/**
 * Waits for every survivor and checks it: exit code non-zero, within the
 * bound, last error line naming the peer. Then kills the stopped victims and
 * checks that no process of the scenario is left and nothing listens on its
 * addresses.
 */
export async function expectCleanEnd(e: Expectation): Promise<void> {
  const limit = setTimeout(() => {
    for (const p of e.procs) p.signal("SIGKILL");
    for (const pid of e.all) kill(pid, "SIGKILL");
  }, (e.boundS + 20) * 1000);
  try {
    const results = await Promise.all(e.survivors.map((p) => p.exited));
    for (const [i, p] of e.survivors.entries()) {
      const { code, at } = results[i]!;
      const seconds = (at - e.t0) / 1000;
      console.log(
        `${e.label}: ${p.name} exit ${code} after ${seconds.toFixed(2)} s: ${p.lastError}`,
      );
      assert.notEqual(code, 0, `${p.name} exited 0; stderr: ${p.stderr}`);
      assert.ok(seconds < e.boundS, `${p.name} took ${seconds} s; stderr: ${p.stderr}`);
      assert.match(p.lastError ?? "", e.names, `${p.name}'s last error; stderr: ${p.stderr}`);
    }
    // Stopped victims are ended here; killed ones, and all they started, must be gone.
    for (const pid of e.stopped) kill(pid, "SIGKILL");
    await Promise.all(e.procs.map((p) => p.exited));
    const deadline = performance.now() + 3000;
    while (alive(e.all).length > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(alive(e.all), [], "no process of the cluster is left");
    assert.deepEqual(listeners(e.prefix), [], `nothing listens on ${e.prefix}*`);
  } finally {
    clearTimeout(limit);
  }
}
