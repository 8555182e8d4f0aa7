import type { Device } from "./device.ts";
import type { SageModel } from "./sage_model.ts";
import type { SafeTensor } from "./safetensors.ts";

/**
 * The shape of a GraphSAGE model, as PyG's `GraphSAGE(in, hidden, layers, out)` takes it.
 * A `SageModel` is one.
 *
 * @example
 * ```ts
 * import type { SageShape } from "./sage_state_dict.ts";
 * const products: SageShape = { inDim: 100, hidden: 256, numLayers: 3, outDim: 47 };
 * ```
 */
export interface SageShape {
  /** Input feature width (`in_channels`). */
  readonly inDim: number;
  /** Hidden width (`hidden_channels`). */
  readonly hidden: number;
  /** SAGE layers (`num_layers`). */
  readonly numLayers: number;
  /** Classes (`out_channels`). */
  readonly outDim: number;
}

/**
 * `GraphSAGE(100, 256, 3, 47)`: a shape as PyTorch users write it, for messages.
 *
 * @example
 * ```ts
 * import { describeShape } from "./sage_state_dict.ts";
 * console.log(describeShape({ inDim: 100, hidden: 256, numLayers: 3, outDim: 47 })); // GraphSAGE(100, 256, 3, 47)
 * ```
 */
export function describeShape(s: SageShape): string {
  return `GraphSAGE(${s.inDim}, ${s.hidden}, ${s.numLayers}, ${s.outDim})`;
}

/**
 * The PyG names and shapes of a model's tensors, in `state_dict()` order:
 * per layer `convs.{i}.lin_l.weight` `[out, in]` (the neighbour weight),
 * `convs.{i}.lin_l.bias` `[out]` and `convs.{i}.lin_r.weight` `[out, in]`
 * (the root weight, no bias).
 *
 * @example
 * ```ts
 * import { sageTensorShapes } from "./sage_state_dict.ts";
 * const shapes = sageTensorShapes({ inDim: 100, hidden: 256, numLayers: 3, outDim: 47 });
 * console.log(shapes.get("convs.2.lin_r.weight")); // [47, 256]
 * ```
 */
export function sageTensorShapes(s: SageShape): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let l = 0; l < s.numLayers; l++) {
    const inDim = l === 0 ? s.inDim : s.hidden;
    const outDim = l === s.numLayers - 1 ? s.outDim : s.hidden;
    out.set(`convs.${l}.lin_l.weight`, [outDim, inDim]);
    out.set(`convs.${l}.lin_l.bias`, [outDim]);
    out.set(`convs.${l}.lin_r.weight`, [outDim, inDim]);
  }
  return out;
}

/**
 * Reads a model's parameters back from its device as the `state_dict()` of
 * PyG's `torch_geometric.nn.GraphSAGE` with mean aggregation: `W_neigh` and
 * the bias become `convs.{i}.lin_l.weight` and `.bias`, `W_self` becomes
 * `convs.{i}.lin_r.weight`, weights transposed to PyTorch's `[out, in]`.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { sageStateDict } from "./sage_state_dict.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const model = new SageModel(device, { inDim: 3, hidden: 4, outDim: 2, numLayers: 2 });
 * const state = await sageStateDict(device, model);
 * console.log(state.get("convs.1.lin_l.weight")!.shape); // [2, 4]
 * model.destroy();
 * device.destroy();
 * ```
 */
export async function sageStateDict(
  device: Device,
  model: SageModel,
): Promise<Map<string, SafeTensor>> {
  const flat = await device.read(model.parameters, "f32", 0, model.numParameters);
  const out = new Map<string, SafeTensor>();
  for (const [l, slot] of layerSlots(model).entries()) {
    const { inDim, outDim, weight, bias } = slot;
    const self = new Float32Array(outDim * inDim), neigh = new Float32Array(outDim * inDim);
    for (let i = 0; i < inDim; i++) {
      for (let o = 0; o < outDim; o++) {
        self[o * inDim + i] = flat[weight + i * outDim + o]!;
        neigh[o * inDim + i] = flat[weight + (inDim + i) * outDim + o]!;
      }
    }
    out.set(`convs.${l}.lin_l.weight`, { dtype: "F32", shape: [outDim, inDim], data: neigh });
    out.set(`convs.${l}.lin_l.bias`, {
      dtype: "F32",
      shape: [outDim],
      data: flat.slice(bias, bias + outDim),
    });
    out.set(`convs.${l}.lin_r.weight`, { dtype: "F32", shape: [outDim, inDim], data: self });
  }
  return out;
}

/**
 * Writes PyG-named tensors (see {@linkcode sageStateDict}) into a model's
 * parameters, as `load_state_dict(strict=True)` does: every tensor the model
 * has must be there, as F32 with its shape, and nothing else. A mismatch is
 * a `RangeError` naming `source`, the tensor, both shapes and both models.
 * Adam's state is not touched.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { SageModel } from "./sage_model.ts";
 * import { loadSageStateDict, sageStateDict } from "./sage_state_dict.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const a = new SageModel(device, { inDim: 3, hidden: 4, outDim: 2, numLayers: 2, seed: 1 });
 * const b = new SageModel(device, { inDim: 3, hidden: 4, outDim: 2, numLayers: 2, seed: 2 });
 * loadSageStateDict(device, b, await sageStateDict(device, a));
 * const [x, y] = [await device.read(a.parameters, "f32"), await device.read(b.parameters, "f32")];
 * console.log(x.every((v, i) => v === y[i])); // true
 * for (const m of [a, b]) m.destroy();
 * device.destroy();
 * ```
 */
export function loadSageStateDict(
  device: Device,
  model: SageModel,
  tensors: ReadonlyMap<string, SafeTensor>,
  source = "the state dict",
): void {
  const want = sageTensorShapes(model);
  const extra = [...tensors.keys()].filter((k) => !want.has(k));
  const fail = (why: string): never => {
    throw new RangeError(
      `${source} does not fit ${describeShape(model)}: ${why}` +
        (tensors.size > 0 ? ` (it holds ${describeShape(shapeOfTensors(tensors))})` : ""),
    );
  };
  for (const [name, shape] of want) {
    const t = tensors.get(name);
    if (!t) fail(`${name} is missing`);
    if (t!.dtype !== "F32" || !(t!.data instanceof Float32Array)) {
      fail(`${name} is ${t!.dtype}, expected F32`);
    }
    if (t!.shape.join(",") !== shape.join(",")) {
      fail(`${name} is [${t!.shape}] there, this model's is [${shape}]`);
    }
  }
  if (extra.length > 0) fail(`unexpected tensors ${extra.join(", ")}`);
  const flat = new Float32Array(model.numParameters);
  for (const [l, slot] of layerSlots(model).entries()) {
    const { inDim, outDim, weight, bias } = slot;
    const f32 = (name: string) => tensors.get(`convs.${l}.${name}`)!.data as Float32Array;
    const neigh = f32("lin_l.weight"), self = f32("lin_r.weight");
    for (let i = 0; i < inDim; i++) {
      for (let o = 0; o < outDim; o++) {
        flat[weight + i * outDim + o] = self[o * inDim + i]!;
        flat[weight + (inDim + i) * outDim + o] = neigh[o * inDim + i]!;
      }
    }
    flat.set(f32("lin_l.bias"), bias);
  }
  device.write(model.parameters, flat);
}

/**
 * The model shape PyG-named tensors describe: layers counted by
 * `convs.{i}.lin_l.weight`, widths read from the first and last layers
 * (zeros where a tensor is missing, so that messages still print).
 *
 * @example
 * ```ts
 * import { sageTensorShapes, shapeOfTensors } from "./sage_state_dict.ts";
 * const shape = { inDim: 5, hidden: 8, numLayers: 2, outDim: 3 };
 * const tensors = new Map([...sageTensorShapes(shape)].map(([name, dims]) => [
 *   name,
 *   { dtype: "F32", shape: dims, data: new Float32Array(dims.reduce((a, b) => a * b)) },
 * ]));
 * console.log(shapeOfTensors(tensors)); // { inDim: 5, hidden: 8, numLayers: 2, outDim: 3 }
 * ```
 */
export function shapeOfTensors(tensors: ReadonlyMap<string, SafeTensor>): SageShape {
  let numLayers = 0;
  while (tensors.has(`convs.${numLayers}.lin_l.weight`)) numLayers++;
  const first = tensors.get("convs.0.lin_l.weight")?.shape ?? [0, 0];
  const last = tensors.get(`convs.${Math.max(0, numLayers - 1)}.lin_l.weight`)?.shape ?? [0, 0];
  return {
    inDim: first[1] ?? 0,
    hidden: numLayers > 1 ? first[0] ?? 0 : 0,
    numLayers,
    outDim: last[0] ?? 0,
  };
}

/** Each layer's widths and offsets in the flat parameter vector, from `slots()`. */
function layerSlots(model: SageModel) {
  const slots = model.slots();
  const out: { inDim: number; outDim: number; weight: number; bias: number }[] = [];
  for (let l = 0; l < model.numLayers; l++) {
    const w = slots.find((s) => s.layer === l && s.kind === "weight")!;
    const b = slots.find((s) => s.layer === l && s.kind === "bias")!;
    out.push({
      inDim: w.length / 2 / b.length,
      outDim: b.length,
      weight: w.offset,
      bias: b.offset,
    });
  }
  return out;
}
