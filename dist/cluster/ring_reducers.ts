import type { Device } from "../../engine/device.ts";
import type { Accuracy } from "../../engine/evaluate.ts";
import type { SageModel } from "../../engine/sage_model.ts";
import type { RingAllReduce } from "./ring_all_reduce.ts";
import type { Trainable } from "../../engine/train_epoch.ts";
import { untilShutdown } from "./until_shutdown.ts";

/**
 * Replaces the model's gradients by the average over the trainers that had
 * a minibatch this step: the gradient travels with one extra slot that
 * counts contributors, so a trainer out of seeds adds zeros and a 0 and
 * still receives the average (uneven batch counts never stall the ring).
 * Returns false, dividing nothing, when no trainer had a minibatch (the
 * step must then be skipped: there is no gradient to apply).
 *
 * @example
 * ```ts ignore
 * import { averageGradients } from "./ring_reducers.ts";
 * await averageGradients(device, model, ring, true);
 * ```
 */
export async function averageGradients(
  device: Device,
  model: SageModel,
  ring: RingAllReduce,
  hasBatch: boolean,
): Promise<boolean> {
  const n = model.numParameters;
  const v = new Float32Array(n + 1);
  if (hasBatch) {
    v.set(await device.read(model.gradients, "f32", 0, n));
    v[n] = 1;
  }
  await ring.allReduce(v, "sum");
  const contributors = v[n]!;
  if (contributors === 0) return false;
  for (let i = 0; i < n; i++) v[i] = v[i]! / contributors;
  device.write(model.gradients, v.subarray(0, n));
  return true;
}

/**
 * Sums accuracy counts over the ring, so every trainer reports the global figure.
 *
 * @example
 * ```ts ignore
 * import { sumAccuracy } from "./ring_reducers.ts";
 * const global = await sumAccuracy(ring, { correct: 10, total: 20 });
 * ```
 */
export async function sumAccuracy(ring: RingAllReduce, local: Accuracy): Promise<Accuracy> {
  const v = new Float32Array([local.correct, local.total]);
  await ring.allReduce(v, "sum");
  return { correct: v[0]!, total: v[1]! };
}

/**
 * The epoch loop's gradient and accuracy reducers over `ring`, each given up
 * as soon as the cluster shuts down (`signal`) instead of waiting for a peer
 * that will never send.
 *
 * @example
 * ```ts ignore
 * import { ringReducers } from "./ring_reducers.ts";
 * const { reduceGradients, reduceAccuracy } = ringReducers(device, model, ring, world.shutdownSignal);
 * ```
 */
export function ringReducers(
  device: Device,
  model: SageModel,
  ring: RingAllReduce,
  signal: AbortSignal,
): {
  reduceGradients: (model: Trainable, hasBatch: boolean) => Promise<boolean>;
  reduceAccuracy: (local: Accuracy) => Promise<Accuracy>;
} {
  return {
    reduceGradients: (_, hasBatch) =>
      untilShutdown(averageGradients(device, model, ring, hasBatch), signal),
    reduceAccuracy: (local) => untilShutdown(sumAccuracy(ring, local), signal),
  };
}
