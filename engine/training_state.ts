import type { Device } from "./device.ts";
import type { SageModel } from "./sage_model.ts";

/**
 * Everything a GraphSAGE model's training depends on besides its
 * configuration: the parameters, Adam's two moment vectors and its step
 * count (which also says which dropout masks come next). With the epoch
 * (whose number seeds the shuffle and the sampling), this is what a
 * checkpoint holds and what rank 0 hands every trainer at the start.
 */
export interface TrainingState {
  readonly parameters: Float32Array;
  readonly moment1: Float32Array;
  readonly moment2: Float32Array;
  readonly adamSteps: number;
}

/**
 * Reads `model`'s training state back from the device.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { readTrainingState, writeTrainingState } from "./training_state.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const a = new SageModel(device, { inDim: 4, hidden: 8, outDim: 3, numLayers: 2, seed: 1 });
 * const b = new SageModel(device, { inDim: 4, hidden: 8, outDim: 3, numLayers: 2, seed: 2 });
 * writeTrainingState(device, b, await readTrainingState(device, a));
 * console.log((await readTrainingState(device, b)).parameters[0] === (await readTrainingState(device, a)).parameters[0]); // true
 * a.destroy();
 * b.destroy();
 * device.destroy();
 * ```
 */
export async function readTrainingState(device: Device, model: SageModel): Promise<TrainingState> {
  const n = model.numParameters;
  const [m1, m2] = model.adam.moments;
  const [parameters, moment1, moment2] = await Promise.all([
    device.read(model.parameters, "f32", 0, n),
    device.read(m1, "f32", 0, n),
    device.read(m2, "f32", 0, n),
  ]);
  return { parameters, moment1, moment2, adamSteps: model.adam.steps };
}

/**
 * Writes `state` into `model` (same shape, or a `RangeError` naming both
 * lengths): the next step continues exactly where the state was taken.
 */
export function writeTrainingState(device: Device, model: SageModel, state: TrainingState): void {
  const n = model.numParameters;
  for (const [name, v] of Object.entries(state)) {
    if (v instanceof Float32Array && v.length !== n) {
      throw new RangeError(`training state: ${name} holds ${v.length} values, the model ${n}`);
    }
  }
  const [m1, m2] = model.adam.moments;
  device.write(model.parameters, state.parameters);
  device.write(m1, state.moment1);
  device.write(m2, state.moment2);
  model.adam.restoreSteps(state.adamSteps);
}
