import { BarrierTimeoutError } from "./barrier_timeout_error.ts";
import { ConfigMismatchError } from "./config_mismatch_error.ts";
import { type Fingerprint, firstDifference } from "./fingerprint.ts";
import { registerHeartbeat } from "../rpc/heartbeat.ts";
import type { MethodTable } from "../rpc/method_table.ts";
import { timerDelay } from "../rpc/timer_delay.ts";
import {
  arriveRequest,
  COORD_ARRIVE,
  COORD_HEARTBEAT,
  COORD_JOIN,
  COORD_LEAVE,
  COORD_REPORT,
  COORD_SHUTDOWN,
  COORD_WATCH,
  joinRequest,
  leaveRequest,
  reportRequest,
  shutdownRequest,
  watchRequest,
} from "./methods.ts";
import type { RankInfo, World } from "./world.ts";
import type { CoordinatorEvent } from "./coordinator_event.ts";

interface Barrier {
  readonly arrived: Map<number, (error: Error | null) => void>;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Options of {@link Coordinator}. */
export interface CoordinatorOptions {
  /**
   * How long the world may take to form, from the first join: then every
   * waiting rank is told which ranks never joined. Default 60 s.
   */
  readonly joinTimeoutMs?: number;
}

/**
 * The coordinator's state, served by rank 0: ranks join with their role, RPC
 * address and fingerprint (what must agree across ranks) and are answered
 * with the whole world once everyone joined (or, after the join timeout,
 * with an error listing the ranks that did not; a rank that disconnects
 * while waiting fails the join at once); two fingerprints that differ in a
 * field both hold refuse the whole world at once (every pending and later
 * join fails with a {@linkcode ConfigMismatchError} naming both ranks and
 * the first field that differs), before anyone trains;
 * named barriers release when every rank arrived, or fail for every waiter
 * once the first arrival's timeout expires, listing the ranks that never
 * arrived; a shutdown request
 * is delivered to every rank that watches. Pure state over a
 * {@link MethodTable}; hosting it is `serveCoordinator`'s job.
 *
 * @example
 * ```ts
 * import { Coordinator } from "./coordinator.ts";
 * import { MethodTable } from "../rpc/method_table.ts";
 * const methods = new MethodTable();
 * new Coordinator(2).register(methods);
 * console.assert(methods.names().length === 6);
 * ```
 */
export class Coordinator {
  /** How many ranks the world has. */
  readonly size: number;
  readonly #ranks = new Map<number, RankInfo>();
  readonly #fingerprints = new Map<number, Fingerprint>();
  readonly #joined = Promise.withResolvers<World>();
  #refused: ConfigMismatchError | null = null;
  readonly #barriers = new Map<string, Barrier>();
  readonly #shutdown = Promise.withResolvers<string>();
  #shutdownReason: string | null = null;
  /** Ranks that said they are leaving; any other rank whose connection drops ends the world. */
  readonly #left = new Set<number>();
  readonly #listeners = new Set<(event: CoordinatorEvent) => void>();
  readonly #joinTimeoutMs: number;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;

  /** Waits for `size` ranks; throws `RangeError` unless `size` is a positive integer. */
  constructor(size: number, options: CoordinatorOptions = {}) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`world size must be a positive integer, got ${size}`);
    }
    this.size = size;
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
    if (!(this.#joinTimeoutMs > 0)) {
      throw new RangeError(`joinTimeoutMs must be > 0, got ${this.#joinTimeoutMs}`);
    }
    this.#joined.promise.catch(() => {});
  }

  /** Resolves with the reason once a shutdown was requested. */
  get shutdownRequested(): Promise<string> {
    return this.#shutdown.promise;
  }

  /**
   * Calls `listener` with every join, report, departure, loss and shutdown
   * from now on (a dashboard's feed); returns the function that stops it.
   */
  listen(listener: (event: CoordinatorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every rank that joined so far, by rank. */
  get members(): readonly RankInfo[] {
    return [...this.#ranks.values()].sort((a, b) => a.rank - b.rank);
  }

  #emit(event: CoordinatorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the world goes on.
      }
    }
  }

  /** Registers the `coord.*` methods on `methods`. */
  register(methods: MethodTable): void {
    // The census before it (serveWorld) may have registered the heartbeat already.
    if (!methods.has(COORD_HEARTBEAT)) registerHeartbeat(methods, COORD_HEARTBEAT);
    methods
      .register(
        COORD_JOIN,
        joinRequest,
        ({ fingerprint, ...info }, ctx) => this.#join(info, fingerprint ?? [], ctx.signal),
      )
      .register(
        COORD_ARRIVE,
        arriveRequest,
        ({ name, rank, timeoutMs }, ctx) => this.#barrier(name, rank, timeoutMs, ctx.signal),
      )
      .register(COORD_WATCH, watchRequest, ({ rank }, ctx) => this.#watch(rank, ctx.signal))
      .register(COORD_LEAVE, leaveRequest, ({ rank }) => {
        this.#left.add(rank);
        this.#emit({ kind: "leave", rank });
        return null;
      })
      .register(COORD_REPORT, reportRequest, (report) => {
        this.#checkRank(report.rank);
        this.#emit({ kind: "report", report });
        return null;
      })
      .register(COORD_SHUTDOWN, shutdownRequest, ({ rank, reason }) => {
        this.#emit({ kind: "failed", rank, reason });
        return this.shutdown(`rank ${rank}: ${reason}`);
      });
  }

  /** Ends the world: every watching rank is told `reason`. Idempotent. */
  shutdown(reason: string): null {
    if (this.#shutdownReason !== null) return null;
    this.#shutdownReason = reason;
    this.#shutdown.resolve(reason);
    clearTimeout(this.#joinTimer);
    this.#joined.reject(new Error(`the world is shutting down (${reason})`));
    this.#emit({ kind: "shutdown", reason });
    for (const [, barrier] of this.#barriers) {
      clearTimeout(barrier.timer);
      for (const release of barrier.arrived.values()) {
        release(new Error(`the world is shutting down (${reason})`));
      }
    }
    this.#barriers.clear();
    return null;
  }

  #checkRank(rank: number): void {
    if (rank < 0 || rank >= this.size) {
      throw new RangeError(`rank ${rank} is outside this world of ${this.size} ranks`);
    }
  }

  async #join(info: RankInfo, fingerprint: Fingerprint, signal: AbortSignal): Promise<World> {
    this.#checkRank(info.rank);
    if (this.#refused) throw this.#refused;
    const known = this.#ranks.get(info.rank);
    if (known && known.address !== info.address) {
      throw new Error(
        `rank ${info.rank} already joined from ${known.address}; refusing ${info.address}`,
      );
    }
    this.#compare(info, fingerprint);
    this.#ranks.set(info.rank, info);
    this.#fingerprints.set(info.rank, fingerprint);
    this.#emit({ kind: "join", info });
    this.#joinTimer ??= setTimeout(() => this.#joinTimedOut(), timerDelay(this.#joinTimeoutMs));
    if (this.#ranks.size === this.size) {
      clearTimeout(this.#joinTimer);
      const ranks = [...this.#ranks.values()].sort((a, b) => a.rank - b.rank);
      this.#joined.resolve({ size: this.size, ranks });
    }
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener("abort", () => {
        // A rank lost while the world forms fails the join for everyone now.
        if (this.#ranks.size < this.size) {
          this.#ranks.delete(info.rank);
          const why = abortReason(signal);
          this.#joined.reject(
            new Error(`${describe(info)} disconnected before every rank joined (${why})`),
          );
        }
        reject(signal.reason);
      }, { once: true });
    });
    aborted.catch(() => {});
    return await Promise.race([this.#joined.promise, aborted]);
  }

  /**
   * Refuses the world when `fingerprint` differs from a joined rank's in a
   * field both hold: the lowest such rank is named.
   */
  #compare(info: RankInfo, fingerprint: Fingerprint): void {
    const joined = [...this.#fingerprints.keys()].sort((a, b) => a - b);
    for (const rank of joined) {
      if (rank === info.rank) continue;
      const d = firstDifference(fingerprint, this.#fingerprints.get(rank)!);
      if (!d) continue;
      const error = ConfigMismatchError.between(
        { rank: info.rank, who: describe(info), value: d.mine },
        { rank, who: describe(this.#ranks.get(rank)!), value: d.theirs },
        d.field,
      );
      this.#refused = error;
      clearTimeout(this.#joinTimer);
      // Every rank waiting for the world learns why at once.
      this.#joined.promise.catch(() => {});
      this.#joined.reject(error);
      throw error;
    }
  }

  #joinTimedOut(): void {
    const missing = [];
    for (let r = 0; r < this.size; r++) if (!this.#ranks.has(r)) missing.push(r);
    const joined = [...this.#ranks.values()].sort((a, b) => a.rank - b.rank).map(describe);
    this.#joined.reject(
      new Error(
        `rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${this.size} never joined ` +
          `within ${this.#joinTimeoutMs} ms (joined: ${joined.join(", ")})`,
      ),
    );
  }

  #barrier(name: string, rank: number, timeoutMs: number, signal: AbortSignal): Promise<null> {
    this.#checkRank(rank);
    if (this.#shutdownReason !== null) {
      throw new Error(`the world is shutting down (${this.#shutdownReason})`);
    }
    let barrier = this.#barriers.get(name);
    if (!barrier) {
      // The first arrival's timeout is the barrier's: it fails for every waiter at once.
      const arrived: Barrier["arrived"] = new Map();
      const timer = setTimeout(() => {
        if (this.#barriers.get(name)?.arrived !== arrived) return;
        this.#barriers.delete(name);
        const missing = [];
        for (let r = 0; r < this.size; r++) if (!arrived.has(r)) missing.push(r);
        const error = Object.assign(new BarrierTimeoutError(name, missing, timeoutMs), {
          data: { missing },
        });
        for (const release of arrived.values()) release(error);
      }, timeoutMs);
      barrier = { arrived, timer };
      this.#barriers.set(name, barrier);
    }
    if (barrier.arrived.has(rank)) {
      throw new Error(`rank ${rank} is already waiting at barrier "${name}"`);
    }
    const { promise, resolve, reject } = Promise.withResolvers<null>();
    const { arrived, timer } = barrier;
    const onAbort = () => {
      arrived.delete(rank);
      if (arrived.size === 0 && this.#barriers.get(name) === barrier) {
        clearTimeout(timer);
        this.#barriers.delete(name);
      }
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    arrived.set(rank, (error) => {
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(null);
    });
    if (arrived.size === this.size) {
      clearTimeout(timer);
      this.#barriers.delete(name);
      for (const release of arrived.values()) release(null);
    }
    return promise;
  }

  async #watch(rank: number, signal: AbortSignal): Promise<{ reason: string }> {
    this.#checkRank(rank);
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener("abort", () => {
        // A rank that vanishes without leaving (killed, crashed, cut off)
        // ends the world, so that nobody waits for it until a timeout.
        if (!this.#left.has(rank)) {
          const info = this.#ranks.get(rank);
          const who = info ? describe(info) : `rank ${rank}`;
          this.#emit({
            kind: "failed",
            rank,
            reason: `disconnected without leaving (${abortReason(signal)})`,
          });
          this.shutdown(`${who} disconnected (${abortReason(signal)})`);
        }
        reject(signal.reason);
      }, { once: true });
    });
    aborted.catch(() => {});
    return { reason: await Promise.race([this.#shutdown.promise, aborted]) };
  }
}

/** `rank 1 (trainer at ws://127.0.0.3:4000)`. */
function describe(info: RankInfo): string {
  return `rank ${info.rank} (${info.role} at ${info.address})`;
}

/** Why a handler's signal aborted: the session says (closed, or silent too long). */
function abortReason(signal: AbortSignal): string {
  const r = signal.reason;
  return r instanceof Error || r instanceof DOMException ? r.message : String(r);
}
