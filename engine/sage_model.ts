import type { Block } from "./block.ts";
import type { Device, DeviceBuffer } from "./device.ts";
import { activationBackward } from "./activation_backward.ts";
import { Adam, type AdamOptions } from "./adam.ts";
import biasActivationKernel from "./kernels/bias_activation.ts";
import { pcg } from "./kernels/_random.ts";
import { matmul } from "./matmul.ts";
import { meanAggregate } from "./mean_aggregate.ts";
import { meanAggregateBackward } from "./mean_aggregate_backward.ts";
import { transposeBlock } from "./transpose_block.ts";
import {
  checkBlocks,
  type LayerSlots,
  positive,
  sageLayout,
  torchLinearParameters,
} from "./_sage_init.ts";
import type { LossHead } from "./loss_head.ts";
import { nllLossHead } from "./nll_loss_head.ts";
import type { ParameterSlot } from "./parameter_slot.ts";
import type { SageModelOptions } from "./sage_model_options.ts";

/**
 * GraphSAGE with mean aggregation (PyG's `SAGEConv`): each layer computes
 * `out = h_dst W_self + mean(h_src neighbours) W_neigh + b` as one product of
 * `[h_dst | mean]` with `[W_self; W_neigh]`, followed by ReLU and dropout on
 * every layer but the last. Parameters start as PyTorch draws them for
 * PyG's `GraphSAGE` (weights and biases from U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in)); `W_self` is its `lin_r`, `W_neigh` and `b` its `lin_l`),
 * and the optimiser is `torch.optim.Adam`'s. Parameters, gradients and Adam's moments live on
 * the device, each in ONE flat float32 buffer (`parameters`, `gradients`,
 * laid out by `slots()`), so distributed training can all-reduce the
 * gradient vector between `forwardBackward()` and `applyGradients()`.
 *
 * Nothing is read back: a step records its dispatches and submits them once
 * (`trainStep`: one submission). Its activations and gradients live in
 * buffers the model keeps from step to step (grown when a larger minibatch
 * needs it), which every kernel overwrites whole, so no step allocates or
 * clears them; small temporaries come from the device's pool.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const buf = (a: Int32Array | Float32Array) => {
 *   const b = device.createBuffer(a.byteLength, "x");
 *   device.write(b, a);
 *   return b;
 * };
 * // One layer, two seeds, each with the other as neighbour.
 * const block = {
 *   numDst: 2, numSrc: 2, numEdges: 2,
 *   indptr: buf(new Int32Array([0, 1, 2])), indices: buf(new Int32Array([1, 0])),
 * };
 * const model = new SageModel(device, { inDim: 2, outDim: 2, numLayers: 1, seed: 1 });
 * const x = buf(new Float32Array([1, 0, 0, 1]));
 * const labels = buf(new Int32Array([0, 1]));
 * const loss = model.trainStep([block], x, labels, 2, { lr: 0.01 });
 * console.log((await device.read(loss, "f32"))[0]! > 0); // true
 * device.release(loss);
 * model.destroy();
 * device.destroy();
 * ```
 */
export class SageModel {
  /** Input feature width (`options.inDim`, default 100). */
  readonly inDim: number;
  /** Width of every layer's output but the last (`options.hidden`, default 256). */
  readonly hidden: number;
  /** Number of classes, the last layer's output width (`options.outDim`, default 47). */
  readonly outDim: number;
  /** SAGE layers; a minibatch must bring this many blocks. */
  readonly numLayers: number;
  /** Dropout rate after every layer but the last while training, in [0, 1). */
  readonly dropout: number;
  /** Seed of the initial parameters and of the dropout masks. */
  readonly seed: number;
  /** Float32 elements of the flat parameter and gradient vectors. */
  readonly numParameters: number;
  /** All parameters, laid out by `slots()`. */
  readonly parameters: DeviceBuffer;
  /** The gradient of the last `forwardBackward()`, same layout as `parameters`. */
  readonly gradients: DeviceBuffer;
  readonly #device: Device;
  readonly #layers: LayerSlots[];
  readonly #adam: Adam;
  /** Step buffers kept across steps, by role, so that no step allocates or zero-fills them. */
  readonly #scratch = new Map<string, DeviceBuffer>();

  /**
   * Allocates the model on `device` with seeded initial parameters; throws `RangeError` when a
   * width or the layer count is not a positive integer.
   */
  constructor(device: Device, options: SageModelOptions = {}) {
    this.inDim = positive("inDim", options.inDim ?? 100);
    this.hidden = positive("hidden", options.hidden ?? 256);
    this.outDim = positive("outDim", options.outDim ?? 47);
    this.numLayers = positive("numLayers", options.numLayers ?? 3);
    this.dropout = options.dropout ?? 0.5;
    if (!(this.dropout >= 0 && this.dropout < 1)) {
      throw new RangeError(`SageModel: dropout is ${this.dropout}, expected [0, 1)`);
    }
    this.seed = (options.seed ?? 0) >>> 0;
    this.#device = device;
    const dims = [
      this.inDim,
      ...Array.from({ length: this.numLayers - 1 }, () => this.hidden),
      this.outDim,
    ];
    const { layers, length } = sageLayout(dims);
    this.#layers = layers;
    this.numParameters = length;
    this.parameters = device.createBuffer(length * 4, "sage parameters");
    device.write(this.parameters, torchLinearParameters(layers, length, this.seed));
    this.gradients = device.createBuffer(length * 4, "sage gradients");
    this.#adam = new Adam(device, this.parameters, this.gradients, length);
  }

  /** Adam steps applied so far. */
  get steps(): number {
    return this.#adam.steps;
  }

  /** The optimizer: its moments and step count are checkpointed with the parameters. */
  get adam(): Adam {
    return this.#adam;
  }

  /** Where each layer's weight and bias sit in `parameters` and `gradients`. */
  slots(): ParameterSlot[] {
    return this.#layers.flatMap((s, layer) => [
      { layer, kind: "weight" as const, offset: s.weight, length: 2 * s.inDim * s.outDim },
      { layer, kind: "bias" as const, offset: s.bias, length: s.outDim },
    ]);
  }

  /**
   * Records forward, loss and backward for one minibatch and submits them:
   * `gradients` then holds the gradient of the loss `head` computes (by
   * default the mean NLL over the first `batch` destinations of the last
   * block, whose int32 `labels` are given; `linkLossHead` reads a link target
   * of `batch` pairs instead). `inputFeatures` holds `blocks[0].numSrc x
   * inDim` float32 values. Returns a new 2-float buffer `[mean loss, correct
   * predictions]` that the caller reads whenever it likes and then releases.
   */
  forwardBackward(
    blocks: readonly Block[],
    inputFeatures: DeviceBuffer,
    labels: DeviceBuffer,
    batch: number,
    head: LossHead = nllLossHead,
  ): DeviceBuffer {
    const temps: DeviceBuffer[] = [];
    const loss = this.#recordForwardBackward(blocks, inputFeatures, labels, batch, head, temps);
    this.#finish(temps);
    return loss;
  }

  /** Records one Adam step with the current `gradients` and submits it. */
  applyGradients(options: AdamOptions = {}): void {
    this.#adam.record(options);
    this.#device.flush();
  }

  /**
   * One training step, forward + loss + backward + Adam, in ONE submission
   * and without reading anything back. Returns the loss buffer as
   * `forwardBackward` does (the caller reads it late and releases it), with
   * the loss of `head` (default: node classification's NLL).
   */
  trainStep(
    blocks: readonly Block[],
    inputFeatures: DeviceBuffer,
    labels: DeviceBuffer,
    batch: number,
    options: AdamOptions = {},
    head: LossHead = nllLossHead,
  ): DeviceBuffer {
    const temps: DeviceBuffer[] = [];
    const loss = this.#recordForwardBackward(blocks, inputFeatures, labels, batch, head, temps);
    this.#adam.record(options);
    this.#finish(temps);
    return loss;
  }

  /**
   * Inference (no dropout): returns a new buffer of `blocks[last].numDst x
   * outDim` logits, which the caller reads and releases.
   */
  predict(blocks: readonly Block[], inputFeatures: DeviceBuffer): DeviceBuffer {
    const { ys } = this.#forward(blocks, inputFeatures, false);
    this.#device.flush();
    return ys[ys.length - 1]!;
  }

  /** Returns the model's buffers to the device's pool. */
  destroy(): void {
    this.#adam.destroy();
    for (const b of [this.parameters, this.gradients]) this.#device.release(b);
    for (const b of this.#scratch.values()) this.#device.release(b);
    this.#scratch.clear();
  }

  /**
   * The step buffer of `role`, at least `bytes` long, kept across steps. Its
   * contents are stale: the kernel that writes it must overwrite all of it.
   */
  #take(role: string, bytes: number): DeviceBuffer {
    const have = this.#scratch.get(role);
    if (have && have.size >= bytes) return have;
    if (have) this.#device.release(have);
    // Room for slightly larger minibatches than this one.
    const b = this.#device.createBuffer(Math.ceil(bytes * 1.125 / 16) * 16, `sage ${role}`);
    this.#scratch.set(role, b);
    return b;
  }

  #finish(temps: DeviceBuffer[]): void {
    this.#device.flush();
    for (const t of temps) this.#device.release(t);
  }

  /** The dropout seed of layer `l` in the forward pass of optimizer step `pass`. */
  #dropoutSeed(pass: number, l: number): number {
    return pcg((pcg(this.seed) + Math.imul(pass, this.numLayers) + l) >>> 0);
  }

  #forward(
    blocks: readonly Block[],
    inputFeatures: DeviceBuffer,
    training: boolean,
  ) {
    checkBlocks(blocks, this.numLayers, inputFeatures, this.inDim);
    const device = this.#device;
    // Dropout masks are drawn by optimizer step: evaluating between steps
    // changes nothing, every trainer of a cluster draws alike (even one that
    // took empty steps), and Adam's step restored from a checkpoint restores them.
    const pass = this.#adam.steps;
    const cats: DeviceBuffer[] = [], ys: DeviceBuffer[] = [], seeds: number[] = [];
    let h = inputFeatures;
    this.#layers.forEach((s, l) => {
      const block = blocks[l]!;
      const last = l === this.numLayers - 1;
      const yBytes = block.numDst * s.outDim * 4;
      // Inference returns its logits: a new buffer the caller releases.
      const y = last && !training
        ? device.createBuffer(yBytes, "sage logits")
        : this.#take(`out ${l}`, yBytes);
      const seed = this.#dropoutSeed(pass, l);
      cats.push(this.#recordLayer(l, block, h, y, training ? seed : undefined, 0));
      ys.push(y);
      seeds.push(seed);
      h = y;
    });
    return { cats, ys, seeds };
  }

  /**
   * Inference of layer `l` alone (no dropout) for the destinations of
   * `block`: `h` holds its sources' rows, the destinations' own rows from
   * row `selfBegin` (0 in a sampled block; a range of all nodes in
   * layer-wise inference). Returns a new `numDst x` (the layer's output
   * width) buffer, which the caller reads and releases.
   */
  inferLayer(l: number, block: Block, h: DeviceBuffer, selfBegin = 0): DeviceBuffer {
    const s = this.#layers[l];
    if (!s) throw new RangeError(`SageModel: layer ${l} of ${this.numLayers}`);
    const y = this.#device.createBuffer(block.numDst * s.outDim * 4, `sage layer ${l} output`);
    this.#recordLayer(l, block, h, y, undefined, selfBegin);
    this.#device.flush();
    return y;
  }

  /**
   * Records layer `l` into `y`: aggregation into its `[h_dst | mean]`
   * buffer (returned, for the backward pass), one product with
   * `[W_self; W_neigh]`, then bias, ReLU (all layers but the last) and
   * dropout with `dropoutSeed` (none when undefined).
   */
  #recordLayer(
    l: number,
    block: Block,
    h: DeviceBuffer,
    y: DeviceBuffer,
    dropoutSeed: number | undefined,
    selfBegin: number,
  ): DeviceBuffer {
    const s = this.#layers[l]!;
    const last = l === this.numLayers - 1;
    const cat = this.#take(`cat ${l}`, block.numDst * 2 * s.inDim * 4);
    // One product of [h_dst | mean] with [W_self; W_neigh]. Two products
    // reading h directly (out = h W_self, then out += mean W_neigh, and
    // dW_self, dW_neigh apart) skip the copy of h_dst but were measured
    // slower on the CPU backend: the second product re-reads and rewrites
    // out, and the weight gradients read dOut twice (batch 1024, fan-out
    // [15,10,5], 200k nodes: copy -4.8 ms, products +13.9 ms, step +8.6 ms).
    meanAggregate(this.#device, block, h, cat, { dim: s.inDim, concat: true, selfBegin });
    matmul(this.#device, cat, this.parameters, y, {
      m: block.numDst,
      n: s.outDim,
      k: 2 * s.inDim,
      bOffset: s.weight,
    });
    this.#device.dispatch(biasActivationKernel, { y, bias: this.parameters }, {
      rows: block.numDst,
      dim: s.outDim,
      bias_off: s.bias,
      relu: last ? 0 : 1,
      p: last || dropoutSeed === undefined ? 0 : this.dropout,
      seed: dropoutSeed ?? 0,
    });
    return cat;
  }

  #recordForwardBackward(
    blocks: readonly Block[],
    inputFeatures: DeviceBuffer,
    labels: DeviceBuffer,
    batch: number,
    head: LossHead,
    temps: DeviceBuffer[],
  ): DeviceBuffer {
    const device = this.#device;
    const { cats, ys, seeds } = this.#forward(blocks, inputFeatures, true);
    const L = this.numLayers;
    const rows = blocks[L - 1]!.numDst;
    const loss = device.createBuffer(8, "sage loss");
    let dy = this.#take("dlogits", rows * this.outDim * 4);
    try {
      head.record(device, {
        out: ys[L - 1]!,
        rows,
        dim: this.outDim,
        target: labels,
        count: batch,
        grad: dy,
        loss,
        temp: (bytes, label) => {
          const t = device.createBuffer(bytes, label, "uninitialised");
          temps.push(t);
          return t;
        },
      });
    } catch (err) {
      device.release(loss);
      throw err;
    }
    for (let l = L - 1; l >= 0; l--) {
      const s = this.#layers[l]!, block = blocks[l]!;
      // Below the last layer, the activation backward was fused into the
      // aggregation backward of the layer above.
      if (l === L - 1) {
        activationBackward(device, dy, ys[l]!, this.gradients, {
          rows: block.numDst,
          dim: s.outDim,
          dbOffset: s.bias,
          relu: false,
          p: 0,
          seed: seeds[l]!,
        });
      }
      matmul(device, cats[l]!, dy, this.gradients, {
        m: 2 * s.inDim,
        n: s.outDim,
        k: block.numDst,
        transA: true,
        cOffset: s.weight,
      });
      if (l === 0) break; // no gradient for the input features
      const dcat = this.#take(`dcat ${l}`, block.numDst * 2 * s.inDim * 4);
      const dh = this.#take(`dh ${l}`, block.numSrc * s.inDim * 4);
      matmul(device, dy, this.parameters, dcat, {
        m: block.numDst,
        n: 2 * s.inDim,
        k: s.outDim,
        transB: true,
        bOffset: s.weight,
      });
      const t = transposeBlock(device, block);
      temps.push(t.indptr, t.dst);
      const below = this.#layers[l - 1]!;
      meanAggregateBackward(device, block, t, dcat, dh, {
        dim: s.inDim,
        concat: true,
        activation: {
          y: ys[l - 1]!,
          db: this.gradients,
          dbOffset: below.bias,
          relu: true,
          p: this.dropout,
          seed: seeds[l - 1]!,
        },
      });
      dy = dh;
    }
    return loss;
  }
}
