import type { Device } from "../engine/device.ts";
import { type Accuracy, evaluate } from "../engine/evaluate.ts";
import type { MinibatchSource } from "../engine/minibatch_source.ts";
import { shuffled } from "../engine/shuffle.ts";
import { type EpochReport, type Trainable, trainEpoch } from "../engine/train_epoch.ts";
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
  /** This trainer's share of the test nodes. */
  readonly testSeeds: Int32Array;
  readonly labelOf: (id: number) => number;
  /** Trainer name for messages, e.g. "node 0 trainer 1". */
  readonly name: string;
  /** Steps per epoch every trainer takes (the largest batch count among trainers). */
  readonly stepsPerEpoch?: (epoch: number) => Promise<number>;
  readonly reduceGradients?: (model: Trainable, hasBatch: boolean) => Promise<boolean | void>;
  /** Replaces sampled evaluation over `testSeeds` (layer-wise inference, say). */
  readonly evaluateTest?: () => Promise<Accuracy>;
  /** Sums accuracy counts across trainers so every trainer reports the global figure. */
  readonly reduceAccuracy?: (local: Accuracy) => Promise<Accuracy>;
  /** Whether this trainer prints the per-epoch lines. */
  readonly print: boolean;
  /** Where this trainer writes its per-epoch JSON lines, if anywhere. */
  readonly metricsPath?: string | undefined;
  /** Called after each epoch's line, with its metrics (a client tells its server). */
  readonly onEpoch?: (m: EpochMetrics) => Promise<void>;
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

/** One epoch's line of the metrics file. */
export interface EpochMetrics extends EpochReport {
  readonly epoch: number;
  readonly testAccuracy: number | null;
  /** Time spent evaluating test accuracy after this epoch; null when it was not evaluated. */
  readonly evalMs: number | null;
}

/**
 * Runs epochs `startEpoch + 1` to `flags.epochs`: seeds shuffled per epoch,
 * a progress bar per epoch, one line per epoch with its time split and test
 * accuracy, and a JSON line per epoch in `--metrics` (appended to when
 * resuming). Every random draw of an epoch derives from `--seed` and the
 * epoch's number, and the model's own state (parameters, Adam, dropout
 * passes), so a resumed run repeats what an uninterrupted one would do.
 * Returns the metrics of the epochs it ran.
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
        labelOf: setup.labelOf,
        batchSize: flags.batchSize,
        seed: flags.seed * 1000 + epoch,
        prefetch: flags.prefetch,
        steps,
        ...(setup.reduceGradients ? { reduceGradients: setup.reduceGradients } : {}),
        onStep: (done) => bar.update(done),
      });
      bar.stop();
      const evalNow = flags.evalEvery > 0
        ? epoch % flags.evalEvery === 0 || epoch === flags.epochs
        : epoch === flags.epochs;
      let testAccuracy: number | null = null;
      let evalMs: number | null = null;
      if (evalNow) {
        const t0 = performance.now();
        const evalBar = new ProgressBar(
          `test ${epoch}/${flags.epochs}`,
          setup.testSeeds.length,
          flags.quiet || !setup.print || setup.evaluateTest !== undefined,
        );
        const local = setup.evaluateTest ? await setup.evaluateTest() : await evaluate(
          setup.device,
          setup.model,
          setup.source,
          setup.testSeeds,
          setup.labelOf,
          flags.evalBatchSize,
          flags.seed * 1000 + epoch + 500,
          (done) => evalBar.update(done),
        );
        evalBar.stop();
        const acc = setup.reduceAccuracy ? await setup.reduceAccuracy(local) : local;
        testAccuracy = acc.total > 0 ? acc.correct / acc.total : 0;
        evalMs = performance.now() - t0;
      }
      const m: EpochMetrics = { epoch, ...report, testAccuracy, evalMs };
      all.push(m);
      if (setup.print) console.log(epochLine(m, flags.epochs));
      await metricsFile?.write(new TextEncoder().encode(JSON.stringify(m) + "\n"));
      await setup.onEpoch?.(m);
      await setup.afterEpoch?.(epoch);
    }
  } finally {
    metricsFile?.close();
  }
  return all;
}

/** `Epoch 3/10: 12.1 s (sampling 2.0 s, features 0.9 s, training 9.1 s, waited 0.2 s), loss 1.2345, test accuracy 0.7712 (evaluated in 3.10 s)` */
export function epochLine(m: EpochMetrics, epochs: number): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const acc = m.testAccuracy === null
    ? ""
    : `, test accuracy ${m.testAccuracy.toFixed(4)} (evaluated in ${s(m.evalMs ?? 0)})`;
  const reduce = m.reduceMs > 0 ? `, all-reduce ${s(m.reduceMs)}` : "";
  return `Epoch ${m.epoch}/${epochs}: ${s(m.totalMs)} (sampling ${s(m.sampleMs)}, features ${
    s(m.featureMs)
  }, training ${s(m.trainMs)}${reduce}, waited ${s(m.waitMs)}), loss ${m.loss.toFixed(4)}${acc}`;
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
