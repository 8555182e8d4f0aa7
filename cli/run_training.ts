import type { Device } from "../engine/device.ts";
import { type Accuracy, evaluate } from "../engine/evaluate.ts";
import type { MinibatchSource } from "../engine/minibatch_source.ts";
import { shuffled } from "../engine/shuffle.ts";
import { type EpochReport, type Trainable, trainEpoch } from "../engine/train_epoch.ts";
import type { ModelKeeper } from "./keep_model.ts";
import type { LiveReporter } from "./live_reporter.ts";
import { ProgressBar } from "./progress_bar.ts";
import type { TrainFlags } from "./train_flags.ts";

/** The pieces one trainer runs, local or distributed. */
export interface TrainingSetup {
  readonly device: Device;
  readonly model: Trainable;
  /** Where the minibatches come from, blocks and input features together. */
  readonly source: MinibatchSource;
  /** This trainer's training seeds. */
  readonly trainSeeds: Int32Array;
  /** This trainer's share of the validation nodes. */
  readonly validSeeds: Int32Array;
  /** This trainer's share of the test nodes. */
  readonly testSeeds: Int32Array;
  /** A training seed's label (node classification; link minibatches bring their own targets). */
  readonly labelOf?: (id: number) => number;
  /** Trainer name for messages, e.g. "node 0 trainer 1". */
  readonly name: string;
  /** Steps per epoch every trainer takes (the largest batch count among trainers). */
  readonly stepsPerEpoch?: (epoch: number) => Promise<number>;
  readonly reduceGradients?: (model: Trainable, hasBatch: boolean) => Promise<boolean | void>;
  /** Replaces sampled evaluation over `validSeeds` and `testSeeds` (layer-wise inference, say). */
  readonly evaluateSplits?: () => Promise<{ valid: Accuracy; test: Accuracy }>;
  /**
   * Link prediction's evaluation in place of accuracy: the figures on the validation and test
   * edges, the same on every trainer (null for a split without edges).
   */
  readonly evaluateLinks?: (epoch: number) => Promise<LinkEvaluation>;
  /** Sums accuracy counts across trainers so every trainer reports the global figure. */
  readonly reduceAccuracy?: (local: Accuracy) => Promise<Accuracy>;
  /** Whether this trainer prints the per-epoch lines. */
  readonly print: boolean;
  /** Where this trainer writes its per-epoch JSON lines, if anywhere. */
  readonly metricsPath?: string | undefined;
  /** Called after each epoch's line, with its metrics (a client tells its server). */
  readonly onEpoch?: (m: EpochMetrics) => Promise<void>;
  /** Hears every step's running totals and every epoch's figures (the dashboard's reports). */
  readonly live?: LiveReporter;
  /** Keeps the model (`--save_model`, `--save_best`): told of every evaluation and of the end. */
  readonly keeper?: ModelKeeper;
  /** The epoch already done (a resumed checkpoint's): training starts after it; default 0. */
  readonly startEpoch?: number;
  /** Called last after each epoch, e.g. to write a checkpoint. */
  readonly afterEpoch?: (epoch: number) => Promise<void>;
}

/** The flags the epoch loop reads. */
export type EpochFlags = Pick<
  TrainFlags,
  "epochs" | "batchSize" | "seed" | "prefetch" | "evalEvery" | "evalBatchSize" | "quiet"
>;

/**
 * Link-prediction figures of one split: ROC-AUC and recall, and OGB's Hits@K
 * and MRR when the split has fixed negatives (the shape of the engine's
 * `LinkMetrics`).
 */
export interface LinkFigures {
  readonly auc: number;
  readonly recall: number;
  /** GLT's printed "AUC" (of the rounded sigmoid), to compare with its logs. */
  readonly roundedAuc?: number;
  readonly hits?: Readonly<Record<number, number>>;
  readonly mrr?: number;
}

/** What a link-prediction evaluation gives: the validation and the test edges' figures. */
export interface LinkEvaluation {
  readonly valid: LinkFigures | null;
  readonly test: LinkFigures | null;
}

/** One epoch's line of the metrics file. */
export interface EpochMetrics extends EpochReport {
  readonly epoch: number;
  /** When the epoch's line was written (ISO 8601, UTC). */
  readonly time: string;
  /** Accuracy on the validation nodes; null when not evaluated (or the split is empty). */
  readonly validAccuracy: number | null;
  readonly testAccuracy: number | null;
  /** Time spent evaluating validation and test accuracy after this epoch; null when not evaluated. */
  readonly evalMs: number | null;
  /** `--task=link`: ROC-AUC on the validation edges (against as many negatives); null when not evaluated. */
  readonly validAuc?: number | null;
  readonly validRecall?: number | null;
  /** GLT's printed "AUC" (`roc_auc_score` of the rounded sigmoid: balanced accuracy). */
  readonly validRoundedAuc?: number | null;
  /** `--task=link` with fixed negatives: Hits@K by K, and the mean reciprocal rank. */
  readonly validHits?: Readonly<Record<number, number>> | null;
  readonly validMrr?: number | null;
  /** `--task=link`: ROC-AUC on the test edges; null when not evaluated. */
  readonly testAuc?: number | null;
  readonly testRecall?: number | null;
  readonly testRoundedAuc?: number | null;
  readonly testHits?: Readonly<Record<number, number>> | null;
  readonly testMrr?: number | null;
}

/**
 * Runs epochs `startEpoch + 1` to `flags.epochs`: seeds shuffled per epoch,
 * a progress bar per epoch, one time-stamped line per epoch with its time
 * split, validation and test accuracy and evaluation time, and a JSON line
 * per epoch in `--metrics` (appended to when resuming); the keeper, if any,
 * hears every evaluation and the end. Every random draw of an epoch derives
 * from `--seed`, the epoch's number and the model's state (parameters,
 * Adam's moments and step), so a resumed run repeats what an uninterrupted
 * one would do. Returns the metrics of the epochs it ran.
 *
 * @example
 * ```ts ignore
 * import { runTraining } from "./run_training.ts";
 * const metrics = await runTraining(setup, flags);
 * ```
 */
export async function runTraining(
  setup: TrainingSetup,
  flags: EpochFlags,
): Promise<EpochMetrics[]> {
  const all: EpochMetrics[] = [];
  const start = setup.startEpoch ?? 0;
  const metricsFile = setup.metricsPath
    ? await Deno.open(
      setup.metricsPath,
      start > 0 ? { append: true, create: true } : { write: true, create: true, truncate: true },
    )
    : undefined;
  try {
    for (let epoch = start + 1; epoch <= flags.epochs; epoch++) {
      const ownBatches = Math.ceil(setup.trainSeeds.length / flags.batchSize);
      const steps = setup.stepsPerEpoch ? await setup.stepsPerEpoch(epoch) : ownBatches;
      const bar = new ProgressBar(
        `epoch ${epoch}/${flags.epochs}`,
        steps,
        flags.quiet || !setup.print,
      );
      const report = await trainEpoch({
        device: setup.device,
        model: setup.model,
        source: setup.source,
        seeds: shuffled(setup.trainSeeds, flags.seed * 1000 + epoch),
        labelOf: setup.labelOf ?? noLabels,
        batchSize: flags.batchSize,
        seed: flags.seed * 1000 + epoch,
        prefetch: flags.prefetch,
        steps,
        ...(setup.reduceGradients ? { reduceGradients: setup.reduceGradients } : {}),
        onStep: (done, total, sofar) => {
          bar.update(done);
          setup.live?.step(epoch, done, total, sofar);
        },
      });
      bar.stop();
      const evalNow = flags.evalEvery > 0
        ? epoch % flags.evalEvery === 0 || epoch === flags.epochs
        : epoch === flags.epochs;
      const link = setup.evaluateLinks;
      const evaluated = !evalNow
        ? undefined
        : link
        ? await evaluateLinkSplits(link, epoch)
        : await evaluateSplits(setup, flags, epoch);
      await setup.keeper?.evaluated(epoch, evaluated && scoreOf(evaluated));
      const m: EpochMetrics = {
        epoch,
        time: new Date().toISOString(),
        ...report,
        validAccuracy: null,
        testAccuracy: null,
        ...evaluated,
        evalMs: evaluated?.evalMs ?? null,
        ...(link && !evaluated ? linkFields(null, null) : {}),
      };
      all.push(m);
      if (setup.print) console.log(epochLine(m, flags.epochs));
      await metricsFile?.write(new TextEncoder().encode(JSON.stringify(m) + "\n"));
      setup.live?.epoch(m);
      await setup.onEpoch?.(m);
      await setup.afterEpoch?.(epoch);
    }
    await setup.keeper?.finished();
  } finally {
    metricsFile?.close();
  }
  return all;
}

/** The labels of a setup without any: its minibatches bring their own targets (link prediction). */
function noLabels(id: number): number {
  throw new TypeError(`runTraining: seed ${id} has no label (the setup gives no labelOf)`);
}

/** The figure `--save_best` keeps the best of: validation accuracy, or AUC for link prediction. */
function scoreOf(
  e: { validAccuracy?: number | null; testAccuracy?: number | null } & {
    validAuc?: number | null;
    testAuc?: number | null;
  },
) {
  return e.validAuc !== undefined
    ? { validAccuracy: e.validAuc, testAccuracy: e.testAuc ?? 0 }
    : { validAccuracy: e.validAccuracy ?? null, testAccuracy: e.testAccuracy ?? 0 };
}

/** Link prediction's validation and test figures, as the metrics' fields, and their time. */
async function evaluateLinkSplits(
  evaluate: (epoch: number) => Promise<LinkEvaluation>,
  epoch: number,
) {
  const t0 = performance.now();
  const { valid, test } = await evaluate(epoch);
  return { ...linkFields(valid, test), evalMs: performance.now() - t0 };
}

/** The link fields of a metrics line. */
function linkFields(valid: LinkFigures | null, test: LinkFigures | null) {
  return {
    validAuc: valid?.auc ?? null,
    validRecall: valid?.recall ?? null,
    validRoundedAuc: valid?.roundedAuc ?? null,
    validHits: valid?.hits ?? null,
    validMrr: valid?.mrr ?? null,
    testAuc: test?.auc ?? null,
    testRecall: test?.recall ?? null,
    testRoundedAuc: test?.roundedAuc ?? null,
    testHits: test?.hits ?? null,
    testMrr: test?.mrr ?? null,
  };
}

/**
 * Validation then test accuracy (every trainer evaluates its share; the
 * counts are summed across trainers), and the time both took.
 */
async function evaluateSplits(setup: TrainingSetup, flags: EpochFlags, epoch: number) {
  const t0 = performance.now();
  const { validSeeds: valid, testSeeds: test } = setup;
  const bar = new ProgressBar(
    `evaluate ${epoch}/${flags.epochs}`,
    valid.length + test.length,
    flags.quiet || !setup.print || setup.evaluateSplits !== undefined,
  );
  const sampled = (ids: Int32Array, offset: number, done: number) =>
    evaluate(
      setup.device,
      setup.model,
      setup.source,
      ids,
      setup.labelOf ?? noLabels,
      flags.evalBatchSize,
      flags.seed * 1000 + epoch + offset,
      (n) => bar.update(done + n),
    );
  const local = setup.evaluateSplits
    ? await setup.evaluateSplits()
    : { valid: await sampled(valid, 700, 0), test: await sampled(test, 500, valid.length) };
  bar.stop();
  const reduce = (a: Accuracy) => setup.reduceAccuracy ? setup.reduceAccuracy(a) : a;
  const v = await reduce(local.valid), t = await reduce(local.test);
  return {
    validAccuracy: v.total > 0 ? v.correct / v.total : null,
    testAccuracy: t.total > 0 ? t.correct / t.total : 0,
    evalMs: performance.now() - t0,
  };
}

/**
 * `2026-01-02T10:11:12Z Epoch 3/10: 12.10 s (sampling 2.00 s, features 0.90 s, training 9.10 s,
 * waited 0.20 s), loss 1.2345, valid accuracy 0.7801, test accuracy 0.7712 (evaluated in 3.10 s)`;
 * for link prediction `..., loss 0.4512, valid AUC 0.9012, recall 0.8100, test AUC 0.8990, recall
 * 0.8050 (evaluated in 1.20 s)`, with hits@K and MRR where the edges have fixed negatives.
 */
export function epochLine(m: EpochMetrics, epochs: number): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const valid = m.validAccuracy === null ? "" : `, valid accuracy ${m.validAccuracy.toFixed(4)}`;
  const acc = m.evalMs === null
    ? ""
    : m.validAuc !== undefined
    ? `${linkText("valid", m, "valid")}${linkText("test", m, "test")} (evaluated in ${s(m.evalMs)})`
    : m.testAccuracy === null
    ? ""
    : `${valid}, test accuracy ${m.testAccuracy.toFixed(4)} (evaluated in ${s(m.evalMs)})`;
  const reduce = m.reduceMs > 0 ? `, all-reduce ${s(m.reduceMs)}` : "";
  return `${m.time.slice(0, 19)}Z Epoch ${m.epoch}/${epochs}: ${s(m.totalMs)} (sampling ${
    s(m.sampleMs)
  }, features ${s(m.featureMs)}, training ${s(m.trainMs)}${reduce}, waited ${s(m.waitMs)}), loss ${
    m.loss.toFixed(4)
  }${acc}`;
}

/** `, test AUC 0.9100, recall 0.8200, hits@50 0.3100, MRR 0.2000` (empty for a split not scored). */
function linkText(name: string, m: EpochMetrics, split: "valid" | "test"): string {
  const auc = m[`${split}Auc`], recall = m[`${split}Recall`];
  if (auc === null || auc === undefined) return "";
  const hits = Object.entries(m[`${split}Hits`] ?? {}).map(([k, v]) =>
    `, hits@${k} ${v.toFixed(4)}`
  ).join("");
  const mrr = m[`${split}Mrr`];
  return `, ${name} AUC ${auc.toFixed(4)}, recall ${(recall ?? 0).toFixed(4)}${hits}${
    mrr === null || mrr === undefined ? "" : `, MRR ${mrr.toFixed(4)}`
  }`;
}

/**
 * Where trainer `rank` writes its metrics: its own file when the path holds
 * `{rank}`, else the path for rank 0 only.
 *
 * @example
 * ```ts
 * import { metricsPathFor } from "./run_training.ts";
 * console.log(metricsPathFor("m{rank}.jsonl", 3)); // m3.jsonl
 * ```
 */
export function metricsPathFor(metrics: string | undefined, rank: number): string | undefined {
  if (metrics?.includes("{rank}")) return metrics.replaceAll("{rank}", String(rank));
  return rank === 0 ? metrics : undefined;
}
