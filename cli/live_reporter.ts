import type { RankReport } from "../dist/cluster/rank_report.ts";
import type { EpochReport, EpochSoFar } from "../engine/train_epoch.ts";

/** What the reporter reads of an epoch's line (`EpochMetrics`). */
type EpochLine = EpochReport & {
  readonly epoch: number;
  readonly validAccuracy: number | null;
  readonly testAccuracy: number | null;
  /** Link prediction's figures (`--task=link`), reported in the accuracies' place. */
  readonly validAuc?: number | null;
  readonly testAuc?: number | null;
};

type Counters = Omit<EpochSoFar, never>;
const ZERO: Counters = {
  seeds: 0,
  edges: 0,
  remoteBytes: 0,
  sampleMs: 0,
  featureMs: 0,
  trainMs: 0,
  reduceMs: 0,
  waitMs: 0,
};

const add = (a: Counters, b: Counters): Counters => ({
  seeds: a.seeds + b.seeds,
  edges: a.edges + b.edges,
  remoteBytes: a.remoteBytes + b.remoteBytes,
  sampleMs: a.sampleMs + b.sampleMs,
  featureMs: a.featureMs + b.featureMs,
  trainMs: a.trainMs + b.trainMs,
  reduceMs: a.reduceMs + b.reduceMs,
  waitMs: a.waitMs + b.waitMs,
});

/**
 * A rank's live figures for the coordinator's dashboard, kept cheap: the
 * training loop hands over each step's running totals, and at most one
 * small report every `intervalMs` leaves (plus one at each epoch's end, so
 * the curves gain their point at once), never more than one in flight. A
 * report that fails is dropped: the page shows a gap, training goes on.
 *
 * @example
 * ```ts
 * import { LiveReporter } from "./live_reporter.ts";
 * const sent: number[] = [];
 * const live = new LiveReporter(3, (r) => { sent.push(r.rank); return Promise.resolve(); });
 * live.step(1, 1, 10, { seeds: 64, edges: 900, remoteBytes: 0, sampleMs: 1, featureMs: 1, trainMs: 3, reduceMs: 0, waitMs: 0 });
 * console.assert(sent.length === 1 && sent[0] === 3);
 * ```
 */
export class LiveReporter {
  readonly #rank: number;
  readonly #send: (report: RankReport) => Promise<void>;
  readonly #intervalMs: number;
  readonly #start = performance.now();
  #done: Counters = ZERO;
  #epoch: Counters = ZERO;
  #at = { epoch: 0, step: 0, steps: 0 };
  #finished: RankReport["epochs"][number][] = [];
  #lastSent = -Infinity;
  #inFlight = false;

  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Reports for `rank` through `send`. With `beat`, a report also leaves
   * every `intervalMs` while no step comes (evaluation, a stalled peer), so
   * the page sees the rank alive; `close()` stops it.
   */
  constructor(
    rank: number,
    send: (report: RankReport) => Promise<void>,
    intervalMs = 1000,
    beat = false,
  ) {
    this.#rank = rank;
    this.#send = send;
    this.#intervalMs = intervalMs;
    if (beat) {
      this.#timer = setInterval(() => {
        if (performance.now() - this.#lastSent >= this.#intervalMs) this.#flush();
      }, intervalMs);
    }
  }

  /** Stops the reports that leave without steps. */
  close(): void {
    clearInterval(this.#timer);
  }

  /** After each step: the epoch, its steps done and due, and its running totals. */
  step(epoch: number, step: number, steps: number, sofar: EpochSoFar): void {
    this.#at = { epoch, step, steps };
    this.#epoch = { ...sofar };
    if (performance.now() - this.#lastSent >= this.#intervalMs) this.#flush();
  }

  /** After each epoch's line: its figures go with the next report, which leaves now. */
  epoch(m: EpochLine): void {
    this.#done = add(this.#done, {
      seeds: m.seeds,
      edges: this.#epoch.edges,
      remoteBytes: this.#epoch.remoteBytes,
      sampleMs: m.sampleMs,
      featureMs: m.featureMs,
      trainMs: m.trainMs,
      reduceMs: m.reduceMs,
      waitMs: m.waitMs,
    });
    this.#epoch = ZERO;
    this.#finished.push({
      epoch: m.epoch,
      loss: m.loss,
      ...(m.validAuc === undefined
        ? { validAccuracy: m.validAccuracy, testAccuracy: m.testAccuracy }
        : { validAccuracy: m.validAuc, testAccuracy: m.testAuc ?? null, metric: "AUC" as const }),
      totalMs: m.totalMs,
      sampleMs: m.sampleMs,
      featureMs: m.featureMs,
      trainMs: m.trainMs,
      reduceMs: m.reduceMs,
      waitMs: m.waitMs,
    });
    this.#flush();
  }

  #flush(): void {
    if (this.#inFlight) return;
    const epochs = this.#finished;
    this.#finished = [];
    this.#inFlight = true;
    this.#lastSent = performance.now();
    const report: RankReport = {
      rank: this.#rank,
      ...this.#at,
      elapsedMs: performance.now() - this.#start,
      ...add(this.#done, this.#epoch),
      epochs,
    };
    this.#send(report).then(
      () => this.#inFlight = false,
      () => {
        this.#inFlight = false;
        this.#finished.unshift(...epochs); // retried with the next report
      },
    );
  }
}
