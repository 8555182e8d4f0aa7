import type { Device, DeviceBuffer } from "./device.ts";

/**
 * What a loss head records, at the top of `SageModel`'s last layer: `out`
 * holds that layer's `rows x dim` outputs; `target` and `count` are what the
 * caller passed to `forwardBackward` (labels and seeds for node
 * classification, a link target and its pairs for link prediction).
 *
 * @example
 * ```ts
 * import type { LossArgs } from "./loss_head.ts";
 * const outBytes = (a: LossArgs) => a.rows * a.dim * 4;
 * ```
 */
export interface LossArgs {
  /** The last layer's outputs, `rows x dim` float32. */
  readonly out: DeviceBuffer;
  /** Output rows: the last block's destinations. */
  readonly rows: number;
  /** Output width: the model's `outDim`. */
  readonly dim: number;
  /** The loss's target, laid out as the head expects. */
  readonly target: DeviceBuffer;
  /** How many targets (seeds labelled, pairs scored) the loss is the mean over. */
  readonly count: number;
  /** Where the head writes the gradient of the loss into `out`, all `rows x dim` values. */
  readonly grad: DeviceBuffer;
  /** Where the head writes `[mean loss, correct predictions]`, 2 float32. */
  readonly loss: DeviceBuffer;
  /** A scratch buffer of the step, released after its submission. */
  readonly temp: (bytes: number, label: string) => DeviceBuffer;
}

/**
 * The loss of a model's output and its gradient, recorded on the device: node
 * classification's `nllLossHead` (the default) or link prediction's
 * `linkLossHead`. `SageModel.forwardBackward` and `trainStep` take one, so the
 * same layers, backward and optimizer serve both tasks in one submission.
 *
 * @example
 * ```ts
 * import type { LossHead } from "./loss_head.ts";
 * const describe = (head: LossHead) => `loss ${head.name}`;
 * ```
 */
export interface LossHead {
  /** Names the head in error messages. */
  readonly name: string;
  /**
   * Checks the arguments (a `RangeError` naming what is wrong) and records the loss and its
   * gradient; reads nothing back.
   */
  record(device: Device, args: LossArgs): void;
}
