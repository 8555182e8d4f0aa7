import type { Device, DeviceBuffer } from "./device.ts";
import adamKernel from "./kernels/adam.ts";

/**
 * Adam's settings (defaults: PyTorch's, with lr 0.003 and no weight decay).
 *
 * @example
 * ```ts
 * import type { AdamOptions } from "./adam.ts";
 * const withDecay: AdamOptions = { lr: 0.001, weightDecay: 5e-4 };
 * ```
 */
export interface AdamOptions {
  /** Learning rate, the step's scale (default 0.003). */
  readonly lr?: number;
  /** Decay of the first-moment (mean) estimate per step, in [0, 1) (default 0.9). */
  readonly beta1?: number;
  /** Decay of the second-moment (squared gradient) estimate per step, in [0, 1) (default 0.999). */
  readonly beta2?: number;
  /**
   * Added to the root of the second moment before dividing, against division by zero (default
   * 1e-8).
   */
  readonly eps?: number;
  /**
   * L2 penalty: `weightDecay * parameter` is added to each gradient before the moments see it, as
   * `torch.optim.Adam` does (not AdamW's decoupled decay; default 0).
   */
  readonly weightDecay?: number;
}

/**
 * Adam, as `torch.optim.Adam` (bias correction, eps added after the
 * corrected square root; see `kernels/adam.ts`), over one flat parameter vector and its
 * gradient on the device: the two moment vectors live beside them, and each
 * step is recorded as one kernel dispatch, without readbacks, so it can join
 * the submission of the step's forward and backward.
 *
 * @example
 * ```ts
 * import { Adam } from "./adam.ts";
 * import { CpuDevice } from "./cpu_device.ts";
 * const device = new CpuDevice({ threads: 1, blas: false });
 * const param = device.createBuffer(8, "w"), grad = device.createBuffer(8, "dw");
 * device.write(param, new Float32Array([1, 2]));
 * device.write(grad, new Float32Array([0.5, -0.5]));
 * const adam = new Adam(device, param, grad, 2);
 * adam.record({ lr: 0.1 });
 * device.flush();
 * const [a, b] = await device.read(param, "f32", 0, 2);
 * console.assert(Math.abs(a! - 0.9) < 1e-5 && Math.abs(b! - 2.1) < 1e-5);
 * adam.destroy();
 * device.destroy();
 * ```
 */
export class Adam {
  readonly #device: Device;
  readonly #m1: DeviceBuffer;
  readonly #m2: DeviceBuffer;
  #steps = 0;

  /**
   * Allocates the two moment vectors (`length` float32 each, zero-filled) on `device`; `parameters`
   * and `gradients` stay the caller's.
   */
  constructor(
    device: Device,
    readonly parameters: DeviceBuffer,
    readonly gradients: DeviceBuffer,
    /** Float32 elements of `parameters` and `gradients`. */
    readonly length: number,
  ) {
    this.#device = device;
    this.#m1 = device.createBuffer(length * 4, "adam m1");
    this.#m2 = device.createBuffer(length * 4, "adam m2");
  }

  /** Steps recorded so far. */
  get steps(): number {
    return this.#steps;
  }

  /** The first and second moment vectors (`length` float32 each), for checkpoints. */
  get moments(): readonly [DeviceBuffer, DeviceBuffer] {
    return [this.#m1, this.#m2];
  }

  /** Sets the step count, after the moments were written back from a checkpoint. */
  restoreSteps(steps: number): void {
    if (!Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`Adam: steps is ${steps}, expected a non-negative integer`);
    }
    this.#steps = steps;
  }

  /** Records one step with the current gradients (the caller submits it). */
  record(options: AdamOptions = {}): void {
    const step = ++this.#steps;
    const lr = options.lr ?? 0.003;
    const beta1 = options.beta1 ?? 0.9, beta2 = options.beta2 ?? 0.999;
    this.#device.dispatch(adamKernel, {
      param: this.parameters,
      grad: this.gradients,
      m1: this.#m1,
      m2: this.#m2,
    }, {
      n: this.length,
      // Computed in double precision, as torch.optim.Adam computes them.
      step_size: lr / (1 - beta1 ** step),
      beta1,
      one_minus_beta1: 1 - beta1,
      beta2,
      one_minus_beta2: 1 - beta2,
      eps: options.eps ?? 1e-8,
      weight_decay: options.weightDecay ?? 0,
      bias_correction2_sqrt: Math.sqrt(1 - beta2 ** step),
    });
  }

  /** Returns the moment vectors to the device. */
  destroy(): void {
    this.#device.release(this.#m1);
    this.#device.release(this.#m2);
  }
}
