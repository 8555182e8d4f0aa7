import { createDevice, type DeviceChoice } from "./create_device.ts";
import type { NodeDataset } from "./dataset.ts";
import type { Device } from "./device.ts";
import { evaluate } from "./evaluate.ts";
import { SageModel } from "./sage_model.ts";
import { loadSageStateDict } from "./sage_state_dict.ts";
import { sageTrainable } from "./sage_trainable.ts";
import { shuffled } from "./shuffle.ts";
import { ThreadedMinibatchSource } from "./threaded_minibatch_source.ts";
import { trainEpoch } from "./train_epoch.ts";
import { type TrainedModel, trainedModelOf } from "./trained_model.ts";

/**
 * What {@linkcode train} trains on and how; the defaults are `deno task
 * train`'s (graphlearn-for-pytorch's distributed GraphSAGE example).
 *
 * @example
 * ```ts
 * import type { NodeDataset } from "./dataset.ts";
 * import type { TrainOptions } from "./train.ts";
 * const quick = (dataset: NodeDataset): TrainOptions => ({ dataset, epochs: 3, fanout: [5, 5], hidden: 32 });
 * ```
 */
export interface TrainOptions {
  /** The graph, features, labels and split (see `nodeDataset`). */
  readonly dataset: NodeDataset;
  /** Epochs (default 10). */
  readonly epochs?: number;
  /** Training nodes per minibatch (default 512). */
  readonly batchSize?: number;
  /** Neighbours sampled per hop, one per layer (default 15,10,5); 0 at every hop is an MLP. */
  readonly fanout?: readonly number[];
  /**
   * Draw neighbours by the dataset's `edgeWeights` (as `--edge_weight` does; a `RangeError` when it
   * has none); default: uniformly.
   */
  readonly edgeWeight?: boolean;
  /** Hidden width (default 256). */
  readonly hidden?: number;
  /** Adam's learning rate (default 0.003). */
  readonly lr?: number;
  /** Dropout between layers while training (default 0.5). */
  readonly dropout?: number;
  /** Seed of the initial weights, shuffles, sampling and dropout (default 0). */
  readonly seed?: number;
  /** Evaluate validation and test accuracy every n epochs, and after the last (default 1; 0: after the last only). */
  readonly evalEvery?: number;
  /** Nodes per evaluation minibatch (default 2048). */
  readonly evalBatchSize?: number;
  /** Return the model of the best validation accuracy instead of the last one. */
  readonly keepBest?: boolean;
  /** Start from these weights (same shape) instead of random ones. */
  readonly init?: TrainedModel;
  /** A device to train on (left open), or which kind to open and close (default `auto`). */
  readonly device?: Device | DeviceChoice;
  /** Hears each epoch's figures as soon as they are known. */
  readonly onEpoch?: (epoch: EpochResult) => void;
}

/**
 * One epoch of {@linkcode train}'s history.
 *
 * @example
 * ```ts
 * import type { EpochResult } from "./train.ts";
 * const line = (e: EpochResult) => `epoch ${e.epoch}: loss ${e.loss.toFixed(3)}`;
 * ```
 */
export interface EpochResult {
  /** 1 for the first epoch. */
  readonly epoch: number;
  /** Mean training loss over the epoch's minibatches. */
  readonly loss: number;
  /** Share of training nodes predicted right while training (with dropout). */
  readonly trainAccuracy: number;
  /** Validation accuracy (sampled inference); null when not evaluated or the split is empty. */
  readonly validAccuracy: number | null;
  /** Test accuracy (sampled inference); null when not evaluated or the split is empty. */
  readonly testAccuracy: number | null;
  /** Time training the epoch took, in ms. */
  readonly trainMs: number;
  /** Time evaluating after the epoch took, in ms; null when not evaluated. */
  readonly evalMs: number | null;
}

/**
 * What {@linkcode train} returns: the model (on the host; save it with
 * `saveModel`, use it with `predict`) and every epoch's figures.
 *
 * @example
 * ```ts
 * import type { TrainResult } from "./train.ts";
 * const last = (r: TrainResult) => r.history[r.history.length - 1]?.testAccuracy;
 * ```
 */
export interface TrainResult {
  /** The last epoch's model, or with `keepBest` the best validation accuracy's. */
  readonly model: TrainedModel;
  /** One entry per epoch, in order. */
  readonly history: EpochResult[];
}

/**
 * Trains GraphSAGE on one device over a {@linkcode NodeDataset} (built from
 * arrays with `nodeDataset`, or loaded), as `deno task train` does on one
 * node: the same initialisation, minibatches, Adam and sampled evaluation,
 * with minibatches sampled and gathered on a Worker of their own (which
 * holds a copy of the graph and features) while the device trains.
 * The model comes back on the host with its history; the device is closed
 * unless the caller passed one.
 *
 * @example
 * ```ts
 * import { nodeDataset } from "./node_dataset.ts";
 * import { train } from "./train.ts";
 * const dataset = nodeDataset({
 *   edges: [[0, 1], [2, 3]],
 *   features: [[1, 0], [1, 0], [0, 1], [0, 1]],
 *   labels: [0, 0, 1, 1],
 *   split: { train: [0, 2], test: [1, 3] },
 * });
 * const { model, history } = await train({ dataset, epochs: 2, fanout: [2], hidden: 8, device: "cpu" });
 * console.log(model.shape.outDim, history.length); // 2 2
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const o = options, data = o.dataset;
  const fanout = [...(o.fanout ?? [15, 10, 5])];
  const epochs = o.epochs ?? 10, seed = o.seed ?? 0, lr = o.lr ?? 0.003;
  const batchSize = o.batchSize ?? 512, evalBatchSize = o.evalBatchSize ?? 2048;
  const evalEvery = o.evalEvery ?? 1, dropout = o.dropout ?? 0.5;
  const expect = (name: string, value: number, ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`train: ${name} is ${value}, expected ${what}`);
  };
  const count = (x: number, least: number) => Number.isInteger(x) && x >= least;
  expect("epochs", epochs, count(epochs, 0), "a whole number of epochs");
  expect("batchSize", batchSize, count(batchSize, 1), "a positive integer");
  expect("evalBatchSize", evalBatchSize, count(evalBatchSize, 1), "a positive integer");
  expect("evalEvery", evalEvery, count(evalEvery, 0), "a non-negative integer");
  expect("hidden", o.hidden ?? 256, count(o.hidden ?? 256, 1), "a positive integer");
  expect("lr", lr, lr > 0, "a positive learning rate");
  expect("dropout", dropout, dropout >= 0 && dropout < 1, "a rate in [0, 1)");
  fanout.forEach((f, h) => expect(`fanout[${h}]`, f, count(f, 0), "neighbours per hop, 0 or more"));
  if (fanout.length === 0) throw new RangeError("train: fanout needs one entry per layer");
  if (data.split.train.length === 0) {
    throw new RangeError(`train: ${data.name} has no training nodes`);
  }
  if (data.numClasses < 1) throw new RangeError(`train: ${data.name} has no labelled classes`);
  if (o.edgeWeight && !data.edgeWeights) {
    throw new RangeError(`train: edgeWeight asks for ${data.name}'s edgeWeights, and it has none`);
  }
  const given = o.device;
  const device = given === undefined || typeof given === "string"
    ? await createDevice(given ?? "auto", { notice: () => {} })
    : given;
  const model = new SageModel(device, {
    inDim: data.featureDim,
    hidden: o.hidden ?? 256,
    outDim: data.numClasses,
    numLayers: fanout.length,
    dropout,
    seed,
  });
  let started: ThreadedMinibatchSource | undefined;
  try {
    if (o.init) loadSageStateDict(device, model, o.init.tensors, "init");
    const trainable = sageTrainable(model, lr);
    // Sampling and gathering run on a Worker of their own, overlapping
    // training, as `deno task train` does on one node; one minibatch at
    // start warms its code and memory up.
    const source = started = await ThreadedMinibatchSource.start({
      device,
      graph: data.graph,
      features: data.features,
      dim: data.featureDim,
      fanouts: fanout,
      ...(o.edgeWeight ? { edgeWeights: data.edgeWeights! } : {}),
      warmUpSeeds: data.split.train.subarray(0, batchSize),
    });
    const labelOf = (id: number) => data.labels[id]!;
    const metadata = {
      producer: "webgnn",
      dataset: data.name,
      num_classes: String(data.numClasses),
      num_features: String(data.featureDim),
      fanout: fanout.join(","),
      ...(o.edgeWeight ? { edge_weight: "on" } : {}),
      dropout: String(dropout),
    };
    const accuracy = async (ids: Int32Array, epoch: number, offset: number) => {
      if (ids.length === 0) return null;
      const a = await evaluate(
        device,
        trainable,
        source,
        ids,
        labelOf,
        evalBatchSize,
        seed * 1000 + epoch + offset,
      );
      return a.correct / a.total;
    };
    const history: EpochResult[] = [];
    let kept: TrainedModel | undefined, bestValid = -1;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const report = await trainEpoch({
        device,
        model: trainable,
        source,
        seeds: shuffled(data.split.train, seed * 1000 + epoch),
        labelOf,
        batchSize,
        seed: seed * 1000 + epoch,
      });
      const evalNow = epoch === epochs || (evalEvery > 0 && epoch % evalEvery === 0);
      const t0 = performance.now();
      const valid = evalNow ? await accuracy(data.split.valid, epoch, 700) : null;
      const test = evalNow ? await accuracy(data.split.test, epoch, 500) : null;
      const result: EpochResult = {
        epoch,
        loss: report.loss,
        trainAccuracy: report.trainAccuracy,
        validAccuracy: valid,
        testAccuracy: test,
        trainMs: report.totalMs,
        evalMs: evalNow ? performance.now() - t0 : null,
      };
      history.push(result);
      o.onEpoch?.(result);
      const improved = o.keepBest && valid !== null && valid > bestValid;
      if (
        improved || (!o.keepBest && epoch === epochs) || (o.keepBest && !kept && epoch === epochs)
      ) {
        if (improved) bestValid = valid!;
        kept = await trainedModelOf(device, model, {
          ...metadata,
          epoch: String(epoch),
          ...(valid === null ? {} : { valid_accuracy: valid.toFixed(6) }),
          ...(test === null ? {} : { test_accuracy: test.toFixed(6) }),
          kept: improved ? "best validation accuracy" : "last epoch",
        });
      }
    }
    return { model: kept ?? await trainedModelOf(device, model, metadata), history };
  } finally {
    await started?.close();
    model.destroy();
    if (device !== given) device.destroy();
  }
}
