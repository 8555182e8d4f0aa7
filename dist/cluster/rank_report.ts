import { z } from "npm:zod@4.6.7";

/**
 * One finished epoch as a rank reports it live: the loss, the accuracies
 * (null when not evaluated) and the epoch's time split, in milliseconds.
 *
 * @example
 * ```ts
 * import type { EpochFigures } from "./rank_report.ts";
 * const e: EpochFigures = {
 *   epoch: 1, loss: 2.1, validAccuracy: 0.4, testAccuracy: 0.39, totalMs: 900,
 *   sampleMs: 200, featureMs: 100, trainMs: 500, reduceMs: 50, waitMs: 50,
 * };
 * ```
 */
export interface EpochFigures {
  /** The epoch, from 1. */
  readonly epoch: number;
  /** Mean minibatch loss. */
  readonly loss: number;
  /** Validation accuracy, or null when this epoch was not evaluated. */
  readonly validAccuracy: number | null;
  /** Test accuracy, or null when this epoch was not evaluated. */
  readonly testAccuracy: number | null;
  /**
   * `AUC` when the two figures above are link prediction's ROC-AUC on the validation and test
   * edges (`--task=link`); absent for accuracy.
   */
  readonly metric?: "AUC" | undefined;
  /** Wall time of the epoch. */
  readonly totalMs: number;
  /** Sampling time (prefetched work overlaps training). */
  readonly sampleMs: number;
  /** Feature gathering and fetching time. */
  readonly featureMs: number;
  /** The training loop's own time. */
  readonly trainMs: number;
  /** Gradient all-reduce time. */
  readonly reduceMs: number;
  /** Time the loop waited for prepared minibatches. */
  readonly waitMs: number;
}

/**
 * What a rank tells the coordinator about every second while it trains
 * (`coord.report`): counters summed since it started training, which a
 * reader turns into rates from one report to the next, and the epochs
 * finished since its last report.
 *
 * @example
 * ```ts
 * import type { RankReport } from "./rank_report.ts";
 * const r: RankReport = {
 *   rank: 1, epoch: 2, step: 10, steps: 40, elapsedMs: 2000, seeds: 5120, edges: 400000,
 *   remoteBytes: 1e6, sampleMs: 500, featureMs: 300, trainMs: 900, reduceMs: 100, waitMs: 80,
 *   epochs: [],
 * };
 * ```
 */
export interface RankReport {
  /** The reporting rank. */
  readonly rank: number;
  /** The epoch in progress, from 1. */
  readonly epoch: number;
  /** Steps of that epoch done. */
  readonly step: number;
  /** Steps that epoch takes. */
  readonly steps: number;
  /** Milliseconds since the rank started training, when the counters were read. */
  readonly elapsedMs: number;
  /** Seeds trained on. */
  readonly seeds: number;
  /** Edges sampled for those seeds' minibatches. */
  readonly edges: number;
  /** Feature bytes fetched from other ranks. */
  readonly remoteBytes: number;
  /** Sampling time. */
  readonly sampleMs: number;
  /** Feature gathering and fetching time. */
  readonly featureMs: number;
  /** The training loop's own time. */
  readonly trainMs: number;
  /** Gradient all-reduce time. */
  readonly reduceMs: number;
  /** Time waiting for prepared minibatches. */
  readonly waitMs: number;
  /** Epochs finished since the previous report. */
  readonly epochs: readonly EpochFigures[];
}

const total = z.number().nonnegative();
const int = z.number().int().nonnegative();

/** Schema of {@link EpochFigures}. */
export const epochFiguresSchema: z.ZodType<EpochFigures> = z.object({
  epoch: z.number().int().positive(),
  loss: z.number(),
  validAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  metric: z.literal("AUC").optional(),
  totalMs: total,
  sampleMs: total,
  featureMs: total,
  trainMs: total,
  reduceMs: total,
  waitMs: total,
});

/** Schema of {@link RankReport}. */
export const rankReportSchema: z.ZodType<RankReport> = z.object({
  rank: int,
  epoch: int,
  step: int,
  steps: int,
  elapsedMs: total,
  seeds: total,
  edges: total,
  remoteBytes: total,
  sampleMs: total,
  featureMs: total,
  trainMs: total,
  reduceMs: total,
  waitMs: total,
  epochs: z.array(epochFiguresSchema),
});
