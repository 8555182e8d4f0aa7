// Helpers shared by the processes of a cluster: collocated trainers, and the
// servers and clients of server-client mode.
import type { DashboardAddress } from "./dashboard_address.ts";
import { serveDashboard } from "../dist/dashboard/serve_dashboard.ts";
import type { Coordinator } from "../dist/cluster/coordinator.ts";
import { type CoordinatorHost, serveCoordinator } from "../dist/cluster/serve_coordinator.ts";
import type { WorldMember } from "../dist/cluster/world_member.ts";
import { loadPartitionMeta } from "../partition/load_partition_meta.ts";
import type { PartitionMeta } from "../partition/partition_meta.ts";
import type { ReportError } from "./run_command.ts";
import type { ClusterOptions } from "./shared_options.ts";
import { UsageError } from "./usage_error.ts";

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The name under which a rank's partition-server Worker appears among its services. */
export const PARTITION_SERVICE = "partition";

/** How long one step of closing may take before it is given up on (the process exits anyway). */
export const CLOSE_STEP_MS = 3_000;
/** How long a failed process waits for the coordinator to pass its failure on. */
const NOTICE_MS = 2_000;

/**
 * How long this process's partition-server Worker may take to start (load
 * its partition from disk): local work, so at least 2 minutes whatever
 * `--rpc_timeout_ms` (a short one is meant for peers).
 */
export function localStartMs(rpcTimeoutMs: number): number {
  return Math.max(rpcTimeoutMs, 120_000);
}

/**
 * `p`, or after `ms` an error saying that `what` did not finish in time: no
 * step of shutting down may wait without bound.
 */
export async function within<T>(p: Promise<T> | T, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every closer, last registered first, even when one throws or hangs
 * (each has `stepMs`); returns the first error (so that a failed close never
 * hides the error that ended the run, and never stops the rest from
 * closing).
 */
export async function closeAll(
  closers: readonly (() => unknown)[],
  stepMs = CLOSE_STEP_MS,
): Promise<unknown> {
  let first: unknown;
  const all = [...closers].reverse();
  for (const [i, close] of all.entries()) {
    try {
      await within(Promise.resolve().then(close), stepMs, `closing step ${i + 1} of ${all.length}`);
    } catch (err) {
      first ??= err;
    }
  }
  return first;
}

/**
 * The partition directory of `--dataset_root_dir` and its meta.json, checked
 * to hold `expected` partitions (`flag` names the flag that says so) and,
 * with `edgeWeight` (`--edge_weight`), edge weights.
 */
export async function partitionDirectory(
  dir: string | undefined,
  expected: number,
  flag: string,
  edgeWeight = false,
): Promise<{ dir: string; meta: PartitionMeta }> {
  if (!dir) {
    throw new UsageError(
      "--dataset_root_dir must name the partition directory (from deno task partition)",
    );
  }
  const meta = await loadPartitionMeta(dir);
  if (meta.numPartitions !== expected) {
    throw new UsageError(
      `--dataset_root_dir=${dir} holds ${meta.numPartitions} partitions but ${flag}=${expected}: partition it into ${expected}`,
    );
  }
  if (edgeWeight && meta.edgeWeights === null) {
    throw new UsageError(
      `--edge_weight: the partition directory ${dir} has no edge weights (partitioned from an ` +
        "unweighted dataset): re-partition a weighted one (deno task partition --edge_weight ...), " +
        "or sample uniformly without --edge_weight",
    );
  }
  return { dir, meta };
}

/** What a cluster process's body registers with {@linkcode runClusterProcess}. */
export interface ProcessScope {
  /** Runs `close` when the process ends, last registered first. */
  onClose(close: () => unknown): void;
  /** This process's membership: left on success, used to end the world on failure. */
  joined(member: WorldMember): void;
}

/**
 * Runs the body of one process of a cluster. On failure it prints the error
 * (`report`) before anything else, tells every rank at once (the world shuts
 * down naming this process and the error; at most 2 s) instead of leaving
 * them to time out, then closes what the body opened (each step bounded)
 * and rethrows the original error; on success it closes everything and
 * reports the first close that failed or hung.
 *
 * @example
 * ```ts ignore
 * import { runClusterProcess } from "./_cluster.ts";
 * await runClusterProcess("server 0", async (scope) => {
 *   scope.onClose(() => server.close());
 * });
 * ```
 */
export async function runClusterProcess<T>(
  name: string,
  body: (scope: ProcessScope) => Promise<T>,
  report?: ReportError,
): Promise<T> {
  const closers: (() => unknown)[] = [];
  let member: WorldMember | undefined;
  let result: T;
  try {
    result = await body({
      onClose: (close) => closers.push(close),
      joined: (m) => {
        member = m;
        closers.push(() => m.close());
      },
    });
  } catch (err) {
    report?.(err);
    const message = err instanceof Error ? err.message : String(err);
    if (member) {
      await within(member.shutdown(`${name} failed: ${message}`), NOTICE_MS, "the shutdown notice")
        .catch(() => {});
    }
    await closeAll(closers);
    throw err;
  }
  const closeError = await closeAll(closers);
  if (closeError !== undefined) throw closeError;
  return result;
}

/**
 * Rank 0 hosts the coordinator at `--master_addr:--master_port` (ranks have
 * `--rpc_timeout_ms` to join, and are gone once silent for
 * `--peer_timeout_ms`); the others do nothing.
 */
export function hostCoordinator(
  scope: ProcessScope,
  rank: number,
  flags: ClusterOptions,
  worldSize: number,
  secret: Uint8Array,
): void {
  if (rank !== 0) return;
  const host: CoordinatorHost = serveCoordinator({
    hostname: flags.masterAddr,
    port: flags.masterPort,
    worldSize,
    secret,
    joinTimeoutMs: flags.rpcTimeoutMs,
    peerTimeoutMs: flags.peerTimeoutMs,
    name: "coordinator on rank 0",
  });
  scope.onClose(() => host.close());
}

/**
 * Checks that this machine can listen on `host` (the value of `flag`,
 * e.g. `--node_addr`) before anything loads: an address of another machine
 * is a usage error naming the flag, not an `os error 99` later.
 */
export function checkListenAddress(flag: string, host: string): void {
  let listener: Deno.Listener | undefined;
  try {
    listener = Deno.listen({ hostname: host, port: 0 });
  } catch (err) {
    throw new UsageError(
      `${flag}=${host}: cannot listen there (${causeOf(err)}); give an address of this machine`,
    );
  } finally {
    listener?.close();
  }
}

function causeOf(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const inner = e.cause instanceof Error ? e.cause : e;
  return inner.message;
}

/**
 * With `--dashboard`, serves the live page of `coordinator`'s world beside it
 * (closed with the scope) and prints the page's URL with its token.
 */
export async function hostDashboard(
  scope: ProcessScope,
  coordinator: Coordinator,
  secret: Uint8Array,
  address: DashboardAddress | undefined,
  title: string,
): Promise<void> {
  if (address === undefined) return;
  const page = await serveDashboard({ ...address, coordinator, secret, title });
  scope.onClose(() => page.close());
  console.log(`webgnn: dashboard at ${page.url}`);
}
