// What the README test runs for a block's commands: the substitutions that
// let a README example run on one machine in a few seconds, and the steps
// (one command, or the commands of one cluster started together). Pure
// functions over the command text; tests/README.md, "README blocks", lists
// the rules for README authors.
import { codeOf, type ReadmeCommand } from "./_blocks.ts";

/**
 * Sizes: each flag is set to this value where a command names it, and added
 * to a `deno task` whose `--help` lists it (`--scale` only where the command
 * names no `--dataset` or `--dataset_root_dir`: it would contradict them).
 */
export const TINY: Readonly<Record<string, string>> = {
  scale: "0.002",
  epochs: "1",
  batch: "256",
  batches: "1",
  rounds: "1",
  gather_ids: "1000",
  dense_rows: "64",
  copy_mib: "1",
  minibatch: "64",
  minibatches: "1",
  step_batch: "8",
};

/** The flag that gives a task's number of nodes, for filling in the ranks a block leaves out. */
export const WORLD_FLAG: Readonly<Record<string, string>> = {
  train: "num_nodes",
  server: "num_server_nodes",
  client: "num_client_nodes",
};

/** A command as the README writes it and as the test runs it. */
export interface PlannedCommand extends ReadmeCommand {
  readonly run: string;
}

/** Commands started together and awaited together (one command, or one cluster's nodes). */
export type Step = readonly PlannedCommand[];

/**
 * Hosts: every IPv4 address outside 127.0.0.0/8 (10.0.0.1, 0.0.0.0...)
 * becomes a loopback address `PREFIX.k`, the same one wherever the block
 * writes it, k counting from 1 in order of appearance. A prefix private to
 * the run (`127.A.B`) keeps fixed ports such as `--master_port`'s default
 * from meeting another run's.
 */
export class Hosts {
  readonly #map = new Map<string, string>();
  #count = 0;
  constructor(readonly prefix: string) {}
  /** The loopback address standing for `address`. */
  of(address: string): string {
    let a = this.#map.get(address);
    if (a === undefined) this.#map.set(address, a = this.fresh());
    return a;
  }
  /** A loopback address no address of the block stands for yet. */
  fresh(): string {
    return `${this.prefix}.${++this.#count}`;
  }
}

/** `deno task NAME` in a command, with NAME. */
const TASK = /(^|[\s;&|(])(deno\s+task(?:\s+--?[\w-]+(?:=\S+)?)*\s+)([\w:.-]+)/;

/** The `deno task` a command runs, if any. */
export function taskOf(command: string): string | undefined {
  return TASK.exec(codeOf(command))?.[3];
}

/** The `--name=value` flags of a command, the last one of each name winning. */
export function flagsOf(command: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of codeOf(command).matchAll(/(?:^|\s)--([\w-]+)=(\S+)/g)) out.set(m[1]!, m[2]!);
  return out;
}

/** The flag names a `--help` text lists (`  --scale <x>  ...`). */
export function flagsListed(help: string): Set<string> {
  return new Set([...help.matchAll(/^\s+(?:-\w,\s+)?--([\w-]+)/gm)].map((m) => m[1]!));
}

/** `command` with `--name`'s value replaced (every occurrence). */
export function withFlag(command: string, name: string, value: string): string {
  return command.replace(new RegExp(`(^|\\s)--${name}=\\S+`, "g"), `$1--${name}=${value}`);
}

/**
 * The command the test runs for `command`: hosts to loopback, sizes tiny
 * (`listed(task)` is the flag set of the task's `--help`). A trailing
 * comment is dropped, and so is a lone `...` ("the flags of your run"): the
 * command runs with the rest of its flags.
 */
export function substitute(
  command: string,
  hosts: Hosts,
  listed: (task: string) => ReadonlySet<string>,
): string {
  let code = codeOf(command).replace(/\s\.\.\.(?=\s|$)/g, "").replace(
    /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])/g,
    (ip, a: string) => a === "127" ? ip : hosts.of(ip),
  );
  const flags = flagsOf(code);
  const task = taskOf(code);
  const added: string[] = [];
  for (const [name, value] of Object.entries(TINY)) {
    if (flags.has(name)) code = withFlag(code, name, value);
    else if (task !== undefined && listed(task).has(name)) {
      if (name === "scale" && (flags.has("dataset") || flags.has("dataset_root_dir"))) continue;
      added.push(`--${name}=${value}`);
    }
  }
  if (added.length > 0) {
    code = code.replace(
      TASK,
      (_, pre: string, deno: string, name: string) => `${pre}${deno}${name} ${added.join(" ")}`,
    );
  }
  return code;
}

/** The cluster a command joins: its `--master_addr`, or a `MASTER_ADDR=` it sets. */
export function masterOf(command: string): string | undefined {
  return flagsOf(command).get("master_addr") ??
    /(?:^|\s)MASTER_ADDR=(\S+)/.exec(codeOf(command))?.[1];
}

/**
 * A block's steps. Consecutive commands with the same master address are one
 * cluster, started together; where such a command is `--node_rank=0` of a
 * world larger than the ranks the block writes (its task's WORLD_FLAG), it
 * stands for each missing rank too ("each server node"), run with that
 * `--node_rank` and a `--node_addr` of its own; likewise a torchrun-style
 * `WORLD_SIZE=N RANK=r` command for the other ranks. Every other command is
 * a step of its own, run after the one before has finished.
 */
export function planSteps(commands: readonly PlannedCommand[], hosts: Hosts): Step[] {
  const steps: PlannedCommand[][] = [];
  let master: string | undefined;
  for (const c of commands) {
    const m = masterOf(c.run);
    if (m !== undefined && m === master) steps[steps.length - 1]!.push(c);
    else steps.push([c]);
    master = m;
  }
  return steps.map((step) =>
    step.length > 1 || masterOf(step[0]!.run) ? withAllRanks(step, hosts) : step
  );
}

function withAllRanks(step: readonly PlannedCommand[], hosts: Hosts): PlannedCommand[] {
  const out = [...step];
  for (const c of step) {
    const task = taskOf(c.run);
    const flags = flagsOf(c.run);
    const world = Number(flags.get(WORLD_FLAG[task ?? ""] ?? "") ?? 1);
    if (task === undefined || flags.get("node_rank") !== "0" || !(world > 1)) continue;
    const written = new Set(
      step.filter((o) => taskOf(o.run) === task).map((o) => flagsOf(o.run).get("node_rank")),
    );
    for (let r = 1; r < world; r++) {
      if (written.has(String(r))) continue;
      let run = withFlag(c.run, "node_rank", String(r));
      if (flags.has("node_addr")) run = withFlag(run, "node_addr", hosts.fresh());
      out.push({ line: c.line, text: `${c.text} (as --node_rank=${r})`, run });
    }
  }
  return [...out, ...envRanks(step)];
}

/** The variables a command sets before its program (`RANK=3 WORLD_SIZE=4 deno ...`). */
export function envOf(command: string): Map<string, string> {
  const prefix = /^(?:\s*[A-Z_][A-Z0-9_]*=\S*)+/.exec(codeOf(command))?.[0] ?? "";
  return new Map([...prefix.matchAll(/([A-Z_][A-Z0-9_]*)=(\S*)/g)].map((m) => [m[1]!, m[2]!]));
}

/**
 * torchrun-style: a command that sets `WORLD_SIZE=N` and `RANK=r` stands for
 * every rank the block leaves out, each with its `RANK`, `LOCAL_RANK` (rank
 * mod `LOCAL_WORLD_SIZE`) and `GROUP_RANK` / `NODE_RANK` (rank div it).
 */
function envRanks(step: readonly PlannedCommand[]): PlannedCommand[] {
  const ranked = step.map((c) => ({ c, env: envOf(c.run) }))
    .filter(({ env }) => env.has("WORLD_SIZE") && env.has("RANK"));
  const first = ranked[0];
  if (first === undefined) return [];
  const world = Number(first.env.get("WORLD_SIZE"));
  const local = Number(first.env.get("LOCAL_WORLD_SIZE") ?? 1);
  const written = new Set(ranked.map(({ env }) => Number(env.get("RANK"))));
  const out: PlannedCommand[] = [];
  for (let r = 0; r < world; r++) {
    if (written.has(r)) continue;
    let run = first.c.run;
    const set = { RANK: r, LOCAL_RANK: r % local, GROUP_RANK: Math.floor(r / local) };
    for (const [name, value] of Object.entries({ ...set, NODE_RANK: set.GROUP_RANK })) {
      run = run.replace(new RegExp(`(^|\\s)${name}=\\S*`), `$1${name}=${value}`);
    }
    out.push({ line: first.c.line, text: `${first.c.text} (as RANK=${r})`, run });
  }
  return out;
}
