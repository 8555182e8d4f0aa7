// Pressure on a real training node's ports: while a 2-node cluster trains on
// loopback, many connections that never authenticate send frames claiming
// 60 MiB and stream data into them, and many more connect and stay idle.
// Node 0's memory (RSS, from /proc), descriptors and log must stay bounded,
// and training must go on. Prints the figures.
import assert from "node:assert/strict";
import { freePort, partitioned } from "../_cluster.ts";
import { frame, upgradeRequest, writeAll } from "../dist/_wire.ts";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).href;
const SECRET = "the pressure test's cluster secret";
const MASTER = "127.0.0.4";
const ATTACK_MS = 6_000;
/** Per port: connections streaming a claimed 60 MiB frame, and connections left idle. */
const FLOODERS = 8;
const IDLE = 150;
/**
 * What node 0's RSS may grow by under the attack. Buffering what the
 * flooders claim would take 24 x 60 MiB at once. Without it the growth
 * still rises with the machine's pace: on a quiet machine (about 5,000
 * connections, 8 GiB streamed and 950 tiny epochs in the 6 s) it peaked at
 * 120-165 MiB, where a loaded one stayed under 96.
 */
const RSS_BOUND_MIB = 256;

function node(rank: number, port: number, dir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      TRAIN,
      "--num_nodes=2",
      `--node_rank=${rank}`,
      `--master_addr=${MASTER}`,
      `--master_port=${port}`,
      `--node_addr=127.0.0.${4 + rank}`,
      `--dataset_root_dir=${dir}/parts`,
      "--device=cpu",
      "--cpu_threads=1",
      "--epochs=100000",
      "--batch_size=16",
      "--fanout=5,5",
      "--hidden=16",
      "--eval_every=0",
      `--metrics=${dir}/m{rank}.jsonl`,
      "--quiet",
    ],
    env: { WEBGNN_SECRET: SECRET },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Resident memory of `pid` in MiB. */
function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

function openFds(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

function epochsDone(path: string): number {
  try {
    return Deno.readTextFileSync(path).trim().split("\n").filter((l) => l !== "").length;
  } catch {
    return 0;
  }
}

/** The TCP ports listening on `address` (from /proc/net/tcp). */
function listeningPorts(address: string): number[] {
  const hex = address.split(".").map((b) => Number(b).toString(16).padStart(2, "0")).reverse()
    .join("").toUpperCase();
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1).flatMap((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    const [ip, port] = (local ?? "").split(":");
    return state === "0A" && ip === hex ? [parseInt(port!, 16)] : [];
  });
}

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Connects with a bound: a listener that is not accepting leaves a connect pending. */
async function connect(port: number): Promise<Deno.TcpConn | null> {
  try {
    return await Deno.connect({ hostname: MASTER, port, signal: AbortSignal.timeout(2000) });
  } catch {
    return null;
  }
}

Deno.test("pressure: unauthenticated connections streaming 60 MiB frames and idle ones leave a training node's memory and descriptors bounded, and training goes on", async () => {
  const dir = await partitioned(2);
  const port = freePort();
  const nodes = [node(0, port, dir), node(1, port, dir)];
  const pid = nodes[0]!.pid;
  const conns: Deno.TcpConn[] = [];
  const stats = { flooded: 0, bytes: 0, idle: 0, unanswered: 0 };
  try {
    await waitFor("node 0's first epoch", () => epochsDone(`${dir}/m0.jsonl`) >= 1, 120_000);
    const ports = listeningPorts(MASTER);
    assert.ok(ports.length >= 3, `node 0 listens on ${ports}`); // coordinator, ring, partition
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      samples.push(rssMiB(pid));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const baseline = Math.max(...samples);
    const baseFds = openFds(pid);
    const epochsBefore = epochsDone(`${dir}/m0.jsonl`);
    let peak = baseline, peakFds = baseFds;
    const start = Date.now(), end = start + ATTACK_MS;
    const chunk = new Uint8Array(1 << 20);
    // First half: frames claiming 60 MiB, streamed into; second half: idle connections as well.
    const flood = async (p: number) => {
      while (Date.now() < end) {
        const conn = await connect(p);
        if (!conn) continue;
        stats.flooded++;
        await writeAll(conn, upgradeRequest(`${MASTER}:${p}`));
        await writeAll(conn, frame(2, new Uint8Array(0), { claim: 60 * 1024 * 1024 }));
        while (Date.now() < end && await writeAll(conn, chunk)) stats.bytes += chunk.length;
        conn.close();
      }
    };
    const idle = async (p: number) => {
      await new Promise((resolve) => setTimeout(resolve, ATTACK_MS / 2));
      await Promise.all(Array.from({ length: IDLE }, async () => {
        const conn = await connect(p);
        if (conn) conns.push(conn), stats.idle++;
        else stats.unanswered++;
      }));
    };
    const sampling = (async () => {
      while (Date.now() < end + 1000) {
        peak = Math.max(peak, rssMiB(pid));
        peakFds = Math.max(peakFds, openFds(pid));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await Promise.all([
      ...ports.flatMap((p) => Array.from({ length: FLOODERS }, () => flood(p))),
      ...ports.map(idle),
      sampling,
    ]);
    const epochsDuring = epochsDone(`${dir}/m0.jsonl`) - epochsBefore;
    for (const c of conns.splice(0)) c.close();
    const after = epochsDone(`${dir}/m0.jsonl`);
    await waitFor(
      "two more epochs after the attack",
      () => epochsDone(`${dir}/m0.jsonl`) >= after + 2,
      60_000,
    );
    console.log(
      `pressure on ${ports.length} ports of node 0 for ${ATTACK_MS / 1000} s: ` +
        `${stats.flooded} connections sent a 60 MiB frame header (${
          (stats.bytes / 2 ** 20).toFixed(0)
        } MiB streamed), ` +
        `then ${stats.idle} idle connections opened as well (${stats.unanswered} connects gave up); ` +
        `RSS ${baseline.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB at most during (+${
          (peak - baseline).toFixed(0)
        }); ` +
        `descriptors ${baseFds} before, ${peakFds} at most; ${epochsDuring} epochs during the attack`,
    );
    assert.ok(peak - baseline <= RSS_BOUND_MIB, `RSS grew by ${(peak - baseline).toFixed(0)} MiB`);
    assert.ok(peakFds <= baseFds + ports.length * 64 + 16, `${peakFds} descriptors`);
  } finally {
    for (const c of conns) c.close();
    for (const n of nodes) {
      try {
        n.kill("SIGKILL");
      } catch {
        // exited
      }
    }
    const outputs = await Promise.all(nodes.map((n) => n.output()));
    const log = new TextDecoder().decode(outputs[0]!.stderr);
    const refusalLines = log.split("\n").filter((l) => l.includes("refused"));
    console.log(
      `node 0 logged ${refusalLines.length} refusal lines:\n${refusalLines.slice(0, 6).join("\n")}`,
    );
    await Deno.remove(dir, { recursive: true });
  }
});
