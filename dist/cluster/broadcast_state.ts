import type { Device } from "../../engine/device.ts";
import type { SageModel } from "../../engine/sage_model.ts";
import { readTrainingState, writeTrainingState } from "../../engine/training_state.ts";
import type { RingAllReduce } from "./ring_all_reduce.ts";

/**
 * Gives every trainer of the ring the training state (parameters, Adam's
 * moments and step) and the epoch of ring member 0, so that
 * every trainer starts identical whatever its own seed or disk held: fresh
 * parameters, or the checkpoint member 0 resumed from.
 *
 * It is one all-reduce sum in which every other member contributes -0.0:
 * `x + (-0) = x` for every float, `-0` and `+0` included, in any order, so
 * the sum is member 0's vector bit for bit. Counters travel as 16-bit halves
 * (exact in float32). Returns member 0's epoch.
 *
 * @example
 * ```ts ignore
 * import { broadcastTrainingState } from "./broadcast_state.ts";
 * const epoch = await broadcastTrainingState(device, model, ring, resumedEpoch);
 * ```
 */
export async function broadcastTrainingState(
  device: Device,
  model: SageModel,
  ring: RingAllReduce,
  epoch: number,
): Promise<number> {
  const n = model.numParameters;
  const v = new Float32Array(3 * n + 4);
  const halves = (x: number, at: number) => {
    v[at] = x % 65536;
    v[at + 1] = Math.floor(x / 65536);
  };
  if (ring.index === 0) {
    const s = await readTrainingState(device, model);
    v.set(s.parameters, 0);
    v.set(s.moment1, n);
    v.set(s.moment2, 2 * n);
    halves(s.adamSteps, 3 * n);
    halves(epoch, 3 * n + 2);
  } else {
    v.fill(-0);
  }
  await ring.allReduce(v, "sum");
  const whole = (at: number) => v[at]! + v[at + 1]! * 65536;
  writeTrainingState(device, model, {
    parameters: v.subarray(0, n),
    moment1: v.subarray(n, 2 * n),
    moment2: v.subarray(2 * n, 3 * n),
    adamSteps: whole(3 * n),
  });
  return whole(3 * n + 2);
}
