import type { EpochFigures } from "../cluster/rank_report.ts";

/**
 * A member of the world as the live page shows it: who it is, its state,
 * when the coordinator last heard from it, its error if it failed, and its
 * live rates.
 *
 * @example
 * ```ts
 * import type { MemberView } from "./view_state.ts";
 * const m: MemberView = {
 *   rank: 0, role: "trainer", address: "ws://127.0.0.2:4000", state: "training", lastHeard: null,
 *   error: null, epoch: 1, step: 3, steps: 10, rates: null,
 * };
 * ```
 */
export interface MemberView {
  readonly rank: number;
  readonly role: string;
  readonly address: string;
  /** joined, training, left (finished), failed. */
  readonly state: "joined" | "training" | "left" | "failed";
  /** When the coordinator last heard from it (ISO 8601), null before its first report. */
  readonly lastHeard: string | null;
  /** Why it failed, when it did. */
  readonly error: string | null;
  /** The epoch in progress, its steps done and due. */
  readonly epoch: number;
  readonly step: number;
  readonly steps: number;
  /** Rates over the last report interval, null before two reports. */
  readonly rates: Rates | null;
}

/**
 * A rank's live rates between two reports.
 *
 * @example
 * ```ts
 * import type { Rates } from "./view_state.ts";
 * const r: Rates = { seedsPerS: 5000, edgesPerS: 4e5, remoteMBPerS: 12, waitShare: 0.1, reduceShare: 0.05 };
 * ```
 */
export interface Rates {
  readonly seedsPerS: number;
  readonly edgesPerS: number;
  /** Feature megabytes (1e6 bytes) fetched from other ranks per second. */
  readonly remoteMBPerS: number;
  /** Share of the wall time spent waiting for data, 0..1. */
  readonly waitShare: number;
  /** Share of the wall time spent in the gradient all-reduce, 0..1. */
  readonly reduceShare: number;
}

/**
 * One run's curves and bars: per epoch, the mean over the ranks that
 * reported it (accuracies are the same on every rank).
 *
 * @example
 * ```ts
 * import type { RunView } from "./view_state.ts";
 * const run: RunView = { name: "2 nodes", ranks: 2, epochs: [] };
 * ```
 */
export interface RunView {
  readonly name: string;
  /** How many ranks' figures it holds. */
  readonly ranks: number;
  readonly epochs: readonly EpochFigures[];
}

/**
 * What the page draws: the live page gets one after every change, the
 * report one for good.
 *
 * @example
 * ```ts
 * import type { ViewState } from "./view_state.ts";
 * const v: ViewState = { title: "webgnn report", live: false, members: [], runs: [], shutdown: null };
 * ```
 */
export interface ViewState {
  readonly title: string;
  /** Whether it updates (the live page) or is a finished run's report. */
  readonly live: boolean;
  /** The world's members (the live page only). */
  readonly members: readonly MemberView[];
  readonly runs: readonly RunView[];
  /** Why the world ended, once it did. */
  readonly shutdown: string | null;
}

/**
 * Per epoch, the mean of every rank's figures for it (epochs in order).
 *
 * @example
 * ```ts
 * import { meanOverRanks } from "./view_state.ts";
 * const e = (loss: number) => ({
 *   epoch: 1, loss, validAccuracy: 0.5, testAccuracy: 0.5, totalMs: 10, sampleMs: 1, featureMs: 1,
 *   trainMs: 1, reduceMs: 1, waitMs: 1,
 * });
 * console.assert(meanOverRanks([[e(1)], [e(3)]])[0]!.loss === 2);
 * ```
 */
export function meanOverRanks(ranks: readonly (readonly EpochFigures[])[]): EpochFigures[] {
  const byEpoch = new Map<number, EpochFigures[]>();
  for (const epochs of ranks) {
    for (const e of epochs) {
      let list = byEpoch.get(e.epoch);
      if (!list) byEpoch.set(e.epoch, list = []);
      list.push(e);
    }
  }
  const mean = (list: EpochFigures[], pick: (e: EpochFigures) => number | null) => {
    const values = list.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
  };
  return [...byEpoch.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, list]) => ({
    epoch,
    loss: mean(list, (e) => e.loss)!,
    validAccuracy: mean(list, (e) => e.validAccuracy),
    testAccuracy: mean(list, (e) => e.testAccuracy),
    ...(list.some((e) => e.metric === "AUC") ? { metric: "AUC" as const } : {}),
    totalMs: mean(list, (e) => e.totalMs)!,
    sampleMs: mean(list, (e) => e.sampleMs)!,
    featureMs: mean(list, (e) => e.featureMs)!,
    trainMs: mean(list, (e) => e.trainMs)!,
    reduceMs: mean(list, (e) => e.reduceMs)!,
    waitMs: mean(list, (e) => e.waitMs)!,
  }));
}
