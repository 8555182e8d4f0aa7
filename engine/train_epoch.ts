import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import type { Predictor } from "./evaluate.ts";
import type { BusyClock, MinibatchSource, PreparedMinibatch } from "./minibatch_source.ts";

/**
 * What training needs of a model.
 *
 * @example
 * ```ts
 * import type { Block } from "./block.ts";
 * import type { DeviceBuffer } from "./device.ts";
 * import type { Trainable } from "./train_epoch.ts";
 * // A step in two phases, as distributed training takes it (the all-reduce goes between).
 * const step = (t: Trainable, blocks: Block[], x: DeviceBuffer, labels: DeviceBuffer, n: number) => {
 *   const lossAndCorrect = t.forwardBackward(blocks, x, labels, n);
 *   t.applyGradients();
 *   return lossAndCorrect;
 * };
 * ```
 */
export interface Trainable extends Predictor {
  /**
   * Records forward, loss over the first `numSeeds` rows and backward,
   * leaving the gradients in the model; returns a new device buffer holding
   * `[mean loss, correct predictions]` (float32), which the caller reads when
   * it likes and releases. For a minibatch with its own target
   * (`PreparedMinibatch.target`), `labels` is that target and `numSeeds` its
   * count (link prediction: pairs).
   */
  forwardBackward(
    blocks: readonly Block[],
    inputs: DeviceBuffer,
    labels: DeviceBuffer,
    numSeeds: number,
  ): DeviceBuffer;
  /** Applies the optimizer to the current gradients. */
  applyGradients(): void;
  /** Forward, backward and optimizer in one go (one GPU submission), as `forwardBackward`. */
  trainStep(
    blocks: readonly Block[],
    inputs: DeviceBuffer,
    labels: DeviceBuffer,
    numSeeds: number,
  ): DeviceBuffer;
}

/**
 * Everything one epoch of minibatch training uses.
 *
 * @example
 * ```ts
 * import type { EpochPlan } from "./train_epoch.ts";
 * const lastBatch = (plan: EpochPlan) => plan.seeds.length % plan.batchSize || plan.batchSize;
 * ```
 */
export interface EpochPlan {
  /** The device the model, the minibatches and the labels live on. */
  readonly device: Device;
  /** The model trained; its parameters change in place. */
  readonly model: Trainable;
  /** Where the minibatches come from, blocks and input features together. */
  readonly source: MinibatchSource;
  /** This trainer's seeds for the epoch, already shuffled. */
  readonly seeds: Int32Array;
  /**
   * Label of a seed, by global node id; it must be a class of the model. Needed unless every
   * minibatch brings its own target (link prediction, whose seeds are edges).
   */
  readonly labelOf?: (id: number) => number;
  /** Seeds per minibatch; the last one may be smaller. */
  readonly batchSize: number;
  /** Seed of the epoch's random draws (sampling, dropout). */
  readonly seed: number;
  /** Minibatches sampled and gathered ahead of training (default 2). */
  readonly prefetch?: number;
  /**
   * Steps every trainer must take this epoch (default: its own batch count).
   * A trainer with fewer batches takes empty steps, so that collective
   * gradient averaging never waits for a trainer that has finished.
   */
  readonly steps?: number;
  /**
   * Between backward and the optimizer: average gradients across trainers.
   * With `hasBatch` false this trainer has no minibatch left and must add
   * nothing but still receive the average into the model's gradients.
   * Resolving to false says no trainer had a minibatch: the optimizer step
   * is skipped (on every trainer alike), never applied to a 0/0 average.
   */
  readonly reduceGradients?: (model: Trainable, hasBatch: boolean) => Promise<boolean | void>;
  /** Called after each step with the steps done and the epoch's figures so far. */
  readonly onStep?: (done: number, total: number, sofar: EpochSoFar) => void;
}

/**
 * An epoch's figures after some of its steps: what a live view turns into
 * rates. Times in milliseconds, as in {@link EpochReport}.
 *
 * @example
 * ```ts
 * import type { EpochSoFar } from "./train_epoch.ts";
 * const edgesPerSeed = (s: EpochSoFar) => s.edges / Math.max(1, s.seeds);
 * ```
 */
export interface EpochSoFar {
  /** Seeds trained on. */
  readonly seeds: number;
  /** Edges sampled in the minibatches trained on. */
  readonly edges: number;
  /** Feature bytes fetched from other partitions for those minibatches, where the source says. */
  readonly remoteBytes: number;
  /** Sampling time of those minibatches. */
  readonly sampleMs: number;
  /** Feature gathering and fetching time of those minibatches. */
  readonly featureMs: number;
  /** The loop's own training time so far. */
  readonly trainMs: number;
  /** Gradient all-reduce time so far. */
  readonly reduceMs: number;
  /** Time waited for prepared minibatches so far. */
  readonly waitMs: number;
}

/**
 * Where an epoch's time went, in milliseconds, and its mean loss.
 *
 * @example
 * ```ts
 * import type { EpochReport } from "./train_epoch.ts";
 * const line = (r: EpochReport) =>
 *   `loss ${r.loss.toFixed(4)}, ${r.batches} batches in ${(r.totalMs / 1000).toFixed(1)} s`;
 * ```
 */
export interface EpochReport {
  /** Minibatches trained on (not counting empty steps taken to keep pace with other trainers). */
  readonly batches: number;
  /**
   * Seeds trained on, and the sum and sum of squares of their ids (a cheap check that each was used
   * once); for link prediction the seeds are training edges.
   */
  readonly seeds: number;
  /** Sum of the seed ids trained on. */
  readonly seedSum: number;
  /** Sum of the squares of the seed ids trained on. */
  readonly seedSquareSum: number;
  /** Mean over minibatches of each minibatch's mean cross-entropy loss. */
  readonly loss: number;
  /**
   * Share of this epoch's seeds predicted right during training (with dropout); for minibatches
   * with their own target, share of their targets (link pairs scored on the right side of 0).
   */
  readonly trainAccuracy: number;
  /** Wall time of the whole epoch. */
  readonly totalMs: number;
  /**
   * Sum of the minibatches' sampling times, as their source reports them (prefetched work overlaps
   * training, so phases may add up to more than `totalMs`).
   */
  readonly sampleMs: number;
  /**
   * Sum of the minibatches' feature gathering (and fetching) times, as their source reports them.
   */
  readonly featureMs: number;
  /**
   * Time the training loop itself spent recording and submitting steps; waiting for minibatches
   * (`waitMs`) and averaging gradients (`reduceMs`) are left out.
   */
  readonly trainMs: number;
  /** Time spent averaging gradients across trainers (other work may run meanwhile). */
  readonly reduceMs: number;
  /** Time the training loop waited for the next prepared minibatch. */
  readonly waitMs: number;
}

interface Prepared {
  readonly seeds: Int32Array;
  readonly batch: PreparedMinibatch;
}

/**
 * One epoch of minibatch training with a bounded prefetch queue: while one
 * minibatch trains, the next ones are sampled and their features gathered
 * (remote fetches overlap training). The loss is read back late: every
 * step's read is issued at once and awaited at the end of the epoch.
 *
 * @example
 * ```ts ignore
 * import { trainEpoch } from "./train_epoch.ts";
 * const report = await trainEpoch({ device, model, source, seeds, labelOf, batchSize: 512, seed: 1 });
 * console.log(report.loss);
 * ```
 */
export async function trainEpoch(plan: EpochPlan): Promise<EpochReport> {
  const { device, model, seeds, batchSize } = plan;
  const start = performance.now();
  const batches = Math.ceil(seeds.length / batchSize);
  const steps = Math.max(batches, plan.steps ?? batches);
  if (steps > batches && !plan.reduceGradients) {
    throw new RangeError(
      `trainEpoch: ${steps} steps for ${batches} minibatches need reduceGradients`,
    );
  }
  const depth = Math.max(1, plan.prefetch ?? 2);
  const queue: Promise<Prepared>[] = [];
  // Minibatches are prepared one after another (never interleaved, so each
  // one's timing is its own), each started as soon as the previous is ready.
  const clock = { busyMs: 0 };
  // Minibatches queued and not yet started, and whether one is being prepared.
  const waiting: { b: number; settle: (p: Promise<Prepared>) => void }[] = [];
  let running = false;
  // Starts the next queued minibatch. It runs in the reaction to the previous
  // one's completion, before the training loop's await sees that one: the
  // next request is under way before the loop trains (a chained `.then`
  // would start it only when the loop next yields, after its training step).
  const startNext = () => {
    const w = waiting.shift();
    running = w !== undefined;
    if (!w) return;
    const p = prepare(plan, w.b, clock);
    p.then(startNext, startNext);
    w.settle(p);
  };
  let next = 0;
  const refill = () => {
    while (queue.length < depth && next < batches) {
      const b = next++;
      const item = new Promise<Prepared>((resolve) => waiting.push({ b, settle: resolve }));
      // A prefetched minibatch may fail (its server died) while the loop
      // awaits something else (a step's gradient all-reduce): the loop sees
      // the error when it reaches it, or ends for a reason of its own first;
      // either way the rejection must not count as unhandled meanwhile, which
      // would end the process with a bare stack instead of the loop's error.
      item.catch(() => {});
      queue.push(item);
      if (!running) startNext();
    }
  };
  const losses: Promise<Float32Array>[] = [];
  let sampleMs = 0, featureMs = 0, trainMs = 0, reduceMs = 0, waitMs = 0;
  let trained = 0, seedSum = 0, seedSquareSum = 0, edges = 0, remoteBytes = 0, targets = 0;
  try {
    for (let step = 0; step < steps; step++) {
      refill();
      const waited = performance.now();
      const item = queue.shift();
      const prepared = item ? await item : undefined;
      waitMs += performance.now() - waited;
      // Training time counts only this loop's own work; the gradient
      // all-reduce is timed apart, since other work runs while it waits.
      let t = performance.now();
      const compute = () => {
        const spent = performance.now() - t;
        trainMs += spent;
        clock.busyMs += spent;
      };
      const reduce = async (hasBatch: boolean) => {
        compute();
        const r = performance.now();
        const any = await plan.reduceGradients!(model, hasBatch);
        reduceMs += performance.now() - r;
        t = performance.now();
        return any !== false;
      };
      if (prepared) {
        sampleMs += prepared.batch.sampleMs;
        featureMs += prepared.batch.featureMs;
        remoteBytes += prepared.batch.remoteBytes ?? 0;
        for (const b of prepared.batch.blocks) edges += b.numEdges;
        refill();
        // A minibatch with its own target trains on it; otherwise the
        // seeds' labels are looked up and uploaded.
        const own = prepared.batch.target;
        let labels: DeviceBuffer | undefined;
        try {
          if (!own) labels = seedLabels(plan, prepared.seeds);
          const { blocks } = prepared.batch;
          for (const id of prepared.seeds) {
            trained++;
            seedSum += id;
            seedSquareSum += id * id;
          }
          const target = own?.buffer ?? labels!;
          const n = own?.count ?? prepared.seeds.length;
          targets += n;
          let loss: DeviceBuffer;
          if (plan.reduceGradients) {
            loss = model.forwardBackward(blocks, prepared.batch.inputs, target, n);
            if (await reduce(true)) model.applyGradients();
          } else {
            loss = model.trainStep(blocks, prepared.batch.inputs, target, n);
          }
          const read = device.read(loss, "f32", 0, 2);
          read.catch(() => {}); // awaited after the loop, which may end first (see above)
          losses.push(read);
          device.release(loss);
        } finally {
          if (labels) device.release(labels);
          prepared.batch.release();
        }
      } else {
        // An empty step: contribute no gradient, apply everyone else's average.
        if (await reduce(false)) model.applyGradients();
      }
      compute();
      plan.onStep?.(step + 1, steps, {
        seeds: trained,
        edges,
        remoteBytes,
        sampleMs,
        featureMs,
        trainMs,
        reduceMs,
        waitMs,
      });
    }
  } finally {
    for (const item of queue) {
      item.then((p) => p.batch.release(), () => {});
    }
  }
  const values = await Promise.all(losses);
  const loss = values.reduce((s, v) => s + v[0]!, 0) / Math.max(1, values.length);
  const correct = values.reduce((s, v) => s + v[1]!, 0);
  return {
    batches,
    seeds: trained,
    seedSum,
    seedSquareSum,
    loss,
    trainAccuracy: correct / Math.max(1, targets),
    totalMs: performance.now() - start,
    sampleMs,
    featureMs,
    trainMs,
    reduceMs,
    waitMs,
  };
}

/** The int32 labels of `seeds` on the device, by the plan's `labelOf`. */
function seedLabels(plan: EpochPlan, seeds: Int32Array): DeviceBuffer {
  if (!plan.labelOf) {
    throw new TypeError("trainEpoch: a minibatch without its own target needs labelOf");
  }
  const labels = plan.device.createBuffer(seeds.length * 4, "labels");
  plan.device.write(labels, Int32Array.from(seeds, plan.labelOf));
  return labels;
}

/**
 * Prepares minibatch `b` from the plan's source. Training steps may run while
 * this waits (for the device or the network); their time, kept in `clock`,
 * is not counted as sampling or feature time.
 */
async function prepare(plan: EpochPlan, b: number, clock: BusyClock): Promise<Prepared> {
  const seeds = plan.seeds.subarray(b * plan.batchSize, (b + 1) * plan.batchSize);
  const batch = await plan.source.next(seeds, plan.seed * 7919 + b, clock);
  return { seeds, batch };
}
