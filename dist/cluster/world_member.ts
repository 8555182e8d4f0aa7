import { BarrierTimeoutError } from "./barrier_timeout_error.ts";
import { ConfigMismatchError } from "./config_mismatch_error.ts";
import type { Fingerprint } from "./fingerprint.ts";
import { callChecked } from "../rpc/call_checked.ts";
import { connectRpc } from "../rpc/connect_rpc.ts";
import { RemoteError } from "../rpc/remote_error.ts";
import type { RpcClient } from "../rpc/rpc_client.ts";
import {
  arriveResponse,
  barrierTimeoutData,
  configMismatchData,
  COORD_ARRIVE,
  COORD_HEARTBEAT,
  COORD_JOIN,
  COORD_LEAVE,
  COORD_REPORT,
  COORD_SHUTDOWN,
  COORD_WATCH,
  joinResponse,
  leaveResponse,
  reportResponse,
  shutdownResponse,
  watchResponse,
} from "./methods.ts";
import type { World } from "./world.ts";
import type { RankReport } from "./rank_report.ts";

/**
 * Options of {@link WorldMember.join}.
 *
 * @example
 * ```ts
 * import type { JoinOptions } from "./world_member.ts";
 * const options: JoinOptions = {
 *   coordinatorUrl: "ws://127.0.0.2:29500", rank: 1, role: "trainer",
 *   address: "ws://127.0.0.3:4000", services: { partition: "ws://127.0.0.3:4001" },
 *   secret: new TextEncoder().encode("a shared secret"), connectDeadlineMs: 30_000,
 * };
 * ```
 */
export interface JoinOptions {
  /** The coordinator, `ws://master_addr:master_port`. */
  readonly coordinatorUrl: string;
  /** This process's rank. */
  readonly rank: number;
  /** What this rank does, e.g. `trainer`. */
  readonly role: string;
  /** Where this rank's own RPC server listens (`ws://...`). */
  readonly address: string;
  /** The other services this rank serves, by name (e.g. `partition`); default none. */
  readonly services?: Readonly<Record<string, string>>;
  /** The shared secret. */
  readonly secret: Uint8Array;
  /**
   * What must agree with every other rank (configuration, partitioning):
   * the coordinator refuses the world when two ranks' fingerprints differ in
   * a field both hold. Default: nothing to compare.
   */
  readonly fingerprint?: Fingerprint;
  /** How long to keep retrying an unreachable coordinator; default 30 s. */
  readonly connectDeadlineMs?: number;
  /**
   * How long to wait for every rank to join; default 60 s. The coordinator
   * should have the same join timeout: it answers first, naming the ranks
   * that never joined (this wait allows 5 s more for that answer).
   */
  readonly joinTimeoutMs?: number;
  /**
   * Heartbeats to the coordinator: silent this long, it is gone (and this
   * rank, silent as long, is gone for it). Default: no heartbeat.
   */
  readonly peerTimeoutMs?: number;
}

/** Longest wait for a shutdown notice: one day (a timer must be finite). */
const WATCH_MS = 86_400_000;
/** How long `shutdown` waits for the coordinator to answer, and then for the notice. */
const SHUTDOWN_MS = 5_000;

/**
 * This rank's membership in the world: the world as the coordinator formed
 * it, barriers, and the shutdown every rank observes (`shutdownSignal`
 * aborts with the reason, or with the connection error if the coordinator
 * disappears).
 *
 * @example
 * ```ts
 * import { serveCoordinator } from "./serve_coordinator.ts";
 * import { WorldMember } from "./world_member.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 1, secret });
 * const me = await WorldMember.join({
 *   coordinatorUrl: host.server.url, rank: 0, role: "trainer",
 *   address: "ws://127.0.0.1:9", secret,
 * });
 * await me.barrier("start", 1000);
 * await me.shutdown("done");
 * console.assert(me.shutdownSignal.aborted);
 * me.close();
 * await host.close();
 * ```
 */
export class WorldMember {
  /** This rank. */
  readonly rank: number;
  /** Every rank, in order, with role and address. */
  readonly world: World;
  readonly #client: RpcClient;
  readonly #shutdown = new AbortController();

  private constructor(rank: number, world: World, client: RpcClient) {
    this.rank = rank;
    this.world = world;
    this.#client = client;
    callChecked(client, COORD_WATCH, { rank }, watchResponse, { timeoutMs: WATCH_MS }).then(
      ({ reason }) => this.#shutdown.abort(reason),
      (error) => this.#shutdown.abort(error),
    );
  }

  /**
   * Connects to the coordinator (retrying with backoff until the connect
   * deadline, so start-up order does not matter), registers this rank, and
   * resolves with the world once every rank has joined. Throws
   * {@linkcode ConfigMismatchError} when any two ranks' fingerprints differ.
   */
  static async join(options: JoinOptions): Promise<WorldMember> {
    if (!Number.isInteger(options.rank) || options.rank < 0) {
      throw new RangeError(`rank must be a non-negative integer, got ${options.rank}`);
    }
    const client = await connectRpc(options.coordinatorUrl, {
      secret: options.secret,
      name: `rank ${options.rank}`,
      connectDeadlineMs: options.connectDeadlineMs ?? 30_000,
      ...(options.peerTimeoutMs === undefined
        ? {}
        : { heartbeat: { method: COORD_HEARTBEAT, peerTimeoutMs: options.peerTimeoutMs } }),
    });
    try {
      const { rank, role, address } = options;
      const world = await callChecked(
        client,
        COORD_JOIN,
        {
          rank,
          role,
          address,
          services: { ...options.services },
          fingerprint: (options.fingerprint ?? []).map(([k, v]) => [k, v] as [string, string]),
        },
        joinResponse,
        { timeoutMs: (options.joinTimeoutMs ?? 60_000) + 5_000 },
      );
      return new WorldMember(rank, world, client);
    } catch (error) {
      client.close("join failed");
      if (error instanceof RemoteError && error.remoteName === "ConfigMismatchError") {
        const data = configMismatchData.parse(error.data);
        throw new ConfigMismatchError(error.remoteMessage, data, { cause: error });
      }
      throw error;
    }
  }

  /** Aborted (with the reason) when the world shuts down or the coordinator is lost. */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
  }

  /**
   * Waits until every rank reached barrier `name`. After `timeoutMs` it
   * throws {@link BarrierTimeoutError} listing the ranks that never arrived.
   */
  async barrier(name: string, timeoutMs: number): Promise<void> {
    if (typeof name !== "string" || name === "") throw new TypeError("barrier needs a name");
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    }
    try {
      await callChecked(
        this.#client,
        COORD_ARRIVE,
        { name, rank: this.rank, timeoutMs },
        arriveResponse,
        // The coordinator enforces the timeout; this margin only covers a lost coordinator.
        { timeoutMs: timeoutMs + 5_000 },
      );
    } catch (error) {
      if (error instanceof RemoteError && error.remoteName === "BarrierTimeoutError") {
        const { missing } = barrierTimeoutData.parse(error.data);
        throw new BarrierTimeoutError(name, missing, timeoutMs, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Tells the coordinator this rank's live figures (for its dashboard). One
   * small message, answered at once; a lost one is only a gap on the page,
   * so failures reject without ending anything.
   */
  async report(report: RankReport): Promise<void> {
    await callChecked(this.#client, COORD_REPORT, report, reportResponse, { timeoutMs: 5_000 });
  }

  /**
   * Asks the coordinator to end the world; every rank's `shutdownSignal`
   * aborts. Bounded: a coordinator that does not answer within 5 s, or whose
   * notice does not come back within 5 s more, is given up on (it is gone
   * or hung, and the others learn it from their own heartbeats).
   */
  async shutdown(reason: string): Promise<void> {
    const request = { rank: this.rank, reason };
    await callChecked(this.#client, COORD_SHUTDOWN, request, shutdownResponse, {
      timeoutMs: SHUTDOWN_MS,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      if (this.#shutdown.signal.aborted) return resolve();
      this.#shutdown.signal.addEventListener("abort", () => resolve(), { once: true });
      timer = setTimeout(resolve, SHUTDOWN_MS);
    });
    clearTimeout(timer);
  }

  /**
   * Leaves: tells the coordinator (so that this rank's disconnection does not
   * end the world) and closes the connection. A rank that disappears without
   * leaving ends the world for everyone.
   */
  close(): void {
    const request = { rank: this.rank };
    callChecked(this.#client, COORD_LEAVE, request, leaveResponse, { timeoutMs: 1_000 })
      .catch(() => {});
    this.#client.close("rank leaving");
  }
}
