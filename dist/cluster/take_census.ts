import { callChecked } from "../rpc/call_checked.ts";
import { connectRpc } from "../rpc/connect_rpc.ts";
import type { CensusReport, CensusResult } from "./census.ts";
import { CENSUS_REPORT, censusResult, COORD_HEARTBEAT } from "./methods.ts";

/**
 * Options of {@link takeCensus}.
 *
 * @example
 * ```ts
 * import type { TakeCensusOptions } from "./take_census.ts";
 * const options: TakeCensusOptions = {
 *   coordinatorUrl: "ws://10.0.0.1:11234", secret: new TextEncoder().encode("a shared secret"),
 *   name: "node 1 trainer 0", connectDeadlineMs: 60_000,
 * };
 * ```
 */
export interface TakeCensusOptions {
  /** The coordinator, `ws://master_addr:master_port`. */
  readonly coordinatorUrl: string;
  /** The shared secret. */
  readonly secret: Uint8Array;
  /** How this process is named in errors, e.g. `node 1 trainer 0`. */
  readonly name: string;
  /** How long to keep retrying an unreachable coordinator. */
  readonly connectDeadlineMs: number;
  /** Heartbeats to the coordinator while the census waits: silent this long, it is gone. */
  readonly peerTimeoutMs?: number;
}

/**
 * Reports this process to the coordinator's census (see `Census`) and
 * resolves with the world's size and every rank's place once every process
 * reported; the coordinator fails it, naming who is missing, after
 * `report.timeoutMs`.
 *
 * @example
 * ```ts
 * import { serveWorld } from "./serve_world.ts";
 * import { takeCensus } from "./take_census.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const host = serveWorld({ hostname: "127.0.0.1", port: 0, expect: { nodes: 1 }, secret });
 * const world = await takeCensus(
 *   { node: 0, local: 0, count: 1, rank: null, timeoutMs: 1000 },
 *   { coordinatorUrl: host.server.url, secret, name: "node 0", connectDeadlineMs: 1000 },
 * );
 * console.assert(world.size === 1);
 * await host.close();
 * ```
 */
export async function takeCensus(
  report: CensusReport,
  options: TakeCensusOptions,
): Promise<CensusResult> {
  const client = await connectRpc(options.coordinatorUrl, {
    secret: options.secret,
    name: options.name,
    connectDeadlineMs: options.connectDeadlineMs,
    ...(options.peerTimeoutMs === undefined
      ? {}
      : { heartbeat: { method: COORD_HEARTBEAT, peerTimeoutMs: options.peerTimeoutMs } }),
  });
  try {
    return await callChecked(client, CENSUS_REPORT, report, censusResult, {
      // The coordinator enforces the timeout; this margin only covers a lost coordinator.
      timeoutMs: report.timeoutMs + 5_000,
    });
  } finally {
    client.close("census taken");
  }
}
