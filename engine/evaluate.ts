import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import type { MinibatchSource } from "./minibatch_source.ts";
import { countCorrect } from "./_util.ts";

/**
 * What evaluation needs of a model: the logits of a minibatch's seeds.
 *
 * @example
 * ```ts
 * import type { Predictor } from "./evaluate.ts";
 * const logitBytes = (p: Predictor, numSeeds: number) => numSeeds * p.numClasses * 4;
 * ```
 */
export interface Predictor {
  /** Width of each logit row: one logit per class. */
  readonly numClasses: number;
  /** A new buffer of logits, `numSeeds x numClasses` float32, of the last block's destination nodes; the caller releases it. */
  predict(blocks: readonly Block[], inputs: DeviceBuffer): DeviceBuffer;
}

/**
 * Correct predictions out of the nodes evaluated.
 *
 * @example
 * ```ts
 * import type { Accuracy } from "./evaluate.ts";
 * const share = (a: Accuracy) => (a.total === 0 ? 0 : a.correct / a.total);
 * console.assert(share({ correct: 3, total: 4 }) === 0.75);
 * ```
 */
export interface Accuracy {
  /** Nodes whose arg-max logit equals their label. */
  readonly correct: number;
  /** Nodes evaluated; `correct / total` is the accuracy (0 nodes: both are 0). */
  readonly total: number;
}

/** How many minibatches' logits are read back together. */
const READS_IN_FLIGHT = 4;

/**
 * Sampled inference over `ids` (as GLT and PyG evaluate: same fan-outs as
 * training), counting the nodes whose arg-max logit is their label. Logits
 * are read back several batches at a time so the readbacks overlap.
 * `onBatch` hears how many seeds have been sampled and sent so far.
 *
 * @example
 * ```ts ignore
 * import { evaluate } from "./evaluate.ts";
 * const { correct, total } = await evaluate(device, model, source, testIds, labels, 1024, 0);
 * ```
 */
export async function evaluate(
  device: Device,
  model: Predictor,
  source: MinibatchSource,
  ids: Int32Array,
  labelOf: (id: number) => number,
  batchSize: number,
  seed: number,
  onBatch?: (done: number) => void,
): Promise<Accuracy> {
  let correct = 0;
  let pending: { seeds: Int32Array; logits: Promise<Float32Array> }[] = [];
  const settle = async () => {
    for (const p of pending) {
      correct += countCorrect(p.seeds, await p.logits, model.numClasses, labelOf);
    }
    pending = [];
  };
  for (let at = 0; at < ids.length; at += batchSize) {
    const seeds = ids.subarray(at, at + batchSize);
    const batch = await source.next(seeds, seed + at);
    const logits = model.predict(batch.blocks, batch.inputs);
    pending.push({ seeds, logits: device.read(logits, "f32", 0, seeds.length * model.numClasses) });
    device.release(logits);
    batch.release();
    if (pending.length >= READS_IN_FLIGHT) await settle();
    onBatch?.(at + seeds.length);
  }
  await settle();
  return { correct, total: ids.length };
}
