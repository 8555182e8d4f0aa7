import type { Coordinator } from "../cluster/coordinator.ts";
import type { CoordinatorEvent } from "../cluster/coordinator_event.ts";
import type { EpochFigures, RankReport } from "../cluster/rank_report.ts";
import type { RankInfo } from "../cluster/world.ts";
import { meanOverRanks, type MemberView, type Rates, type ViewState } from "./view_state.ts";

interface Member {
  info: RankInfo;
  state: MemberView["state"];
  lastHeard: string | null;
  error: string | null;
  last: RankReport | null;
  rates: Rates | null;
  epochs: EpochFigures[];
}

/** Rates between two reports of one rank. */
function ratesBetween(a: RankReport, b: RankReport): Rates | null {
  const dtMs = b.elapsedMs - a.elapsedMs;
  if (dtMs <= 0) return null;
  const perS = (x: number, y: number) => Math.max(0, (y - x) * 1000 / dtMs);
  return {
    seedsPerS: perS(a.seeds, b.seeds),
    edgesPerS: perS(a.edges, b.edges),
    remoteMBPerS: perS(a.remoteBytes, b.remoteBytes) / 1e6,
    waitShare: Math.min(1, Math.max(0, (b.waitMs - a.waitMs) / dtMs)),
    reduceShare: Math.min(1, Math.max(0, (b.reduceMs - a.reduceMs) / dtMs)),
  };
}

/**
 * The live page's state, kept from a coordinator's events: every member
 * with its state, last report time, error and live rates, and every rank's
 * finished epochs. `onChange` hears each change.
 *
 * @example
 * ```ts
 * import { Coordinator } from "../cluster/coordinator.ts";
 * import { ClusterView } from "./cluster_view.ts";
 * const view = new ClusterView(new Coordinator(2), "2 trainers");
 * console.assert(view.state().members.length === 0);
 * view.close();
 * ```
 */
export class ClusterView {
  readonly #title: string;
  readonly #members = new Map<number, Member>();
  readonly #listeners = new Set<() => void>();
  readonly #stop: () => void;
  #shutdown: string | null = null;

  /** Follows `coordinator` from now on (members that joined already included). */
  constructor(coordinator: Coordinator, title: string) {
    this.#title = title;
    for (const info of coordinator.members) this.#join(info);
    this.#stop = coordinator.listen((e) => this.#hear(e));
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Resolves once no member is still joined or training (each left or
   * failed), or after `timeoutMs`: when the world ends, the page waits this
   * long to learn who vanished before it closes.
   */
  async settled(timeoutMs: number): Promise<void> {
    const done = () =>
      [...this.#members.values()].every((m) => m.state === "left" || m.state === "failed");
    if (done()) return;
    let stop = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      stop = this.onChange(() => {
        if (done()) resolve();
      });
    });
    clearTimeout(timer);
    stop();
  }

  /**
   * Marks every member still joined or training as failed with `reason`:
   * after the world ended, a rank that never left is one that vanished (the
   * coordinator no longer watches a connection once it answered the
   * shutdown, so a drop after that is not heard).
   */
  markSilent(reason: string): void {
    let changed = false;
    for (const m of this.#members.values()) {
      if (m.state !== "joined" && m.state !== "training") continue;
      m.state = "failed";
      m.error = reason;
      changed = true;
    }
    if (changed) { for (const listener of this.#listeners) listener(); }
  }

  /** Stops following the coordinator. */
  close(): void {
    this.#stop();
    this.#listeners.clear();
  }

  #join(info: RankInfo): void {
    const known = this.#members.get(info.rank);
    if (known) known.info = info;
    else {
      this.#members.set(info.rank, {
        info,
        state: "joined",
        lastHeard: new Date().toISOString(),
        error: null,
        last: null,
        rates: null,
        epochs: [],
      });
    }
  }

  #hear(e: CoordinatorEvent): void {
    const now = new Date().toISOString();
    switch (e.kind) {
      case "join":
        this.#join(e.info);
        break;
      case "report": {
        const m = this.#members.get(e.report.rank);
        if (!m) return;
        if (m.last) m.rates = ratesBetween(m.last, e.report) ?? m.rates;
        m.last = e.report;
        m.lastHeard = now;
        if (m.state === "joined") m.state = "training";
        m.epochs.push(...e.report.epochs);
        break;
      }
      case "leave": {
        const m = this.#members.get(e.rank);
        if (m && m.state !== "failed") m.state = "left";
        break;
      }
      case "failed": {
        const m = this.#members.get(e.rank);
        if (!m || m.state === "left") return;
        m.state = "failed";
        m.error = e.reason;
        break;
      }
      case "shutdown":
        this.#shutdown = e.reason;
        break;
    }
    for (const listener of this.#listeners) listener();
  }

  /** The page's state now. */
  state(): ViewState {
    const members = [...this.#members.values()].sort((a, b) => a.info.rank - b.info.rank);
    return {
      title: this.#title,
      live: true,
      shutdown: this.#shutdown,
      members: members.map((m) => ({
        rank: m.info.rank,
        role: m.info.role,
        address: m.info.address,
        state: m.state,
        lastHeard: m.lastHeard,
        error: m.error,
        epoch: m.last?.epoch ?? 0,
        step: m.last?.step ?? 0,
        steps: m.last?.steps ?? 0,
        rates: m.rates,
      })),
      runs: [{
        name: "this run",
        ranks: members.length,
        epochs: meanOverRanks(members.map((m) => m.epochs)),
      }],
    };
  }
}
