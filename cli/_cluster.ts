// Helpers shared by the processes of a cluster: collocated trainers, and the
// servers and clients of server-client mode.
import type { DashboardAddress } from "./dashboard_address.ts";
import { serveDashboard } from "../dashboard/serve_dashboard.ts";
import type { Coordinator } from "../dist/cluster/coordinator.ts";
import { type CoordinatorHost, serveCoordinator } from "../dist/cluster/serve_coordinator.ts";
import type { WorldMember } from "../dist/cluster/world_member.ts";
import { loadPartitionMeta } from "../partition/load_partition_meta.ts";
import type { PartitionMeta } from "../partition/partition_meta.ts";
import { UsageError } from "./usage_error.ts";

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The name under which a rank's partition-server Worker appears among its services. */
export const PARTITION_SERVICE = "partition";

/**
 * Runs every closer, last registered first, even when one throws; returns
 * the first error (so that a failed close never hides the error that ended
 * the run, and never stops the rest from closing).
 */
export async function closeAll(closers: readonly (() => unknown)[]): Promise<unknown> {
  let first: unknown;
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (err) {
      first ??= err;
    }
  }
  return first;
}

/**
 * The partition directory of `--dataset_root_dir` and its meta.json, checked
 * to hold `expected` partitions (`flag` names the flag that says so).
 */
export async function partitionDirectory(
  dir: string | undefined,
  expected: number,
  flag: string,
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
 * Runs the body of one process of a cluster. On failure it tells every rank
 * at once (the world shuts down naming this process and the error) instead
 * of leaving them to time out, then closes what the body opened and rethrows
 * the original error; on success it closes everything and reports the first
 * close that failed.
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
    const message = err instanceof Error ? err.message : String(err);
    await member?.shutdown(`${name} failed: ${message}`).catch(() => {});
    await closeAll(closers);
    throw err;
  }
  const closeError = await closeAll(closers);
  if (closeError !== undefined) throw closeError;
  return result;
}

/** Rank 0 hosts the coordinator at `--master_addr:--master_port`; the others do nothing. */
export function hostCoordinator(
  scope: ProcessScope,
  rank: number,
  options: { hostname: string; port: number; worldSize: number; secret: Uint8Array },
): void {
  if (rank !== 0) return;
  const host: CoordinatorHost = serveCoordinator(options);
  scope.onClose(() => host.close());
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
