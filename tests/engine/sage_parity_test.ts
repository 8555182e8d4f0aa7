// Learning parity with PyTorch's GraphSAGE (PyG's `GraphSAGE` with mean
// aggregation, trained by torch.optim.Adam on the mean cross-entropy over the
// seeds): a tiny model trained a few steps on a fixed graph from fixed
// weights must reproduce losses computed here without webgnn's code, once in
// closed form from zero weights and once by a plain scalar re-implementation
// of PyG's forward pass, its gradient (checked by finite differences) and
// torch's Adam update.
import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { SageModel } from "../../engine/sage_model.ts";
import type { SafeTensor } from "../../engine/safetensors.ts";
import { loadSageStateDict } from "../../engine/sage_state_dict.ts";
import { withDevices } from "../_devices.ts";
import { type HostBlock, uploadBlock } from "./_blocks.ts";

// Nodes 0..5, features 3 wide, 3 classes; seeds 0 and 1 with labels 2 and 0.
// Layer 0 computes nodes 0..3 from 0..5; layer 1 the seeds from 0..3. Node 3
// has no neighbour (its mean is 0, as PyG's scatter-mean gives).
const X = [
  [0.5, -1.0, 2.0],
  [1.5, 0.25, -0.5],
  [-2.0, 1.0, 0.75],
  [0.0, -0.5, 1.25],
  [1.0, 1.0, -1.0],
  [-0.25, 2.0, 0.5],
];
const LABELS = [2, 0];
const NEIGHBOURS0 = [[1, 2], [3], [4, 5, 0], []];
const NEIGHBOURS1 = [[1, 2], [3, 3]];
const DIMS = [3, 4, 3];
const LR = 0.1;

function hostBlock(neighbours: number[][], numSrc: number): HostBlock {
  const indptr = new Int32Array(neighbours.length + 1);
  neighbours.forEach((n, d) => (indptr[d + 1] = indptr[d]! + n.length));
  return { numDst: neighbours.length, numSrc, indptr, indices: Int32Array.from(neighbours.flat()) };
}

/** PyG's parameters: per layer lin_l.weight [out][in], lin_l.bias [out], lin_r.weight [out][in]. */
interface Layer {
  wl: number[][];
  bl: number[];
  wr: number[][];
}

/** PyG SAGEConv with mean aggregation, ReLU between layers, mean cross-entropy over the seeds. */
function lossOf(layers: Layer[]): number {
  return forwardBackward(layers).loss;
}

function forwardBackward(layers: Layer[]): { loss: number; grads: Layer[] } {
  const blocks = [NEIGHBOURS0, NEIGHBOURS1];
  const hs: number[][][] = [X];
  const aggs: number[][][] = [];
  for (const [l, layer] of layers.entries()) {
    const h = hs[l]!, nb = blocks[l]!;
    const agg = nb.map((ns) =>
      h[0]!.map((_, i) => ns.length === 0 ? 0 : ns.reduce((s, n) => s + h[n]![i]!, 0) / ns.length)
    );
    const out = nb.map((_, d) =>
      layer.bl.map((b, o) => {
        let v = b;
        for (let i = 0; i < agg[d]!.length; i++) {
          v += layer.wl[o]![i]! * agg[d]![i]! + layer.wr[o]![i]! * h[d]![i]!;
        }
        return l < layers.length - 1 ? Math.max(0, v) : v;
      })
    );
    aggs.push(agg);
    hs.push(out);
  }
  const logits = hs[layers.length]!;
  let loss = 0;
  let dOut = logits.map((z, r) => {
    const max = Math.max(...z);
    const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
    loss += -(z[LABELS[r]!]! - max - Math.log(sum)) / logits.length;
    return z.map((v, c) => (Math.exp(v - max) / sum - (c === LABELS[r] ? 1 : 0)) / logits.length);
  });
  const grads: Layer[] = layers.map((L) => ({
    wl: L.wl.map((row) => row.map(() => 0)),
    bl: L.bl.map(() => 0),
    wr: L.wr.map((row) => row.map(() => 0)),
  }));
  for (let l = layers.length - 1; l >= 0; l--) {
    const h = hs[l]!, agg = aggs[l]!, nb = blocks[l]!, L = layers[l]!, G = grads[l]!;
    const dh = h.map((row) => row.map(() => 0));
    nb.forEach((ns, d) => {
      dOut[d]!.forEach((g, o) => {
        G.bl[o]! += g;
        for (let i = 0; i < h[0]!.length; i++) {
          G.wl[o]![i]! += g * agg[d]![i]!;
          G.wr[o]![i]! += g * h[d]![i]!;
          dh[d]![i]! += g * L.wr[o]![i]!;
          for (const n of ns) dh[n]![i]! += g * L.wl[o]![i]! / ns.length;
        }
      });
    });
    // Through the ReLU that produced h (every layer's input but the features).
    if (l > 0) dOut = dh.map((row, s) => row.map((g, i) => (h[s]![i]! > 0 ? g : 0)));
  }
  return { loss, grads };
}

/** torch.optim.Adam's update, defaults betas (0.9, 0.999), eps 1e-8, no weight decay. */
function adamStep(p: number[], g: number[], m: number[], v: number[], step: number): void {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
    v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
    const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** step) + eps;
    p[i] = p[i]! - (LR / (1 - b1 ** step)) * m[i]! / denom;
  }
}

const flatten = (ls: Layer[]) => ls.flatMap((L) => [...L.wl.flat(), ...L.bl, ...L.wr.flat()]);
function unflatten(values: number[], like: Layer[]): Layer[] {
  let at = 0;
  const take = (n: number) => values.slice(at, at += n);
  return like.map((L) => ({
    wl: L.wl.map((r) => take(r.length)),
    bl: take(L.bl.length),
    wr: L.wr.map((r) => take(r.length)),
  }));
}

/** Fixed initial weights: a plain arithmetic pattern in [-0.5, 0.5]. */
function fixedLayers(scale: number): Layer[] {
  let k = 0;
  const w = () => scale * (((k++ * 37) % 23) / 22 - 0.5);
  return DIMS.slice(1).map((out, l) => {
    const inDim = DIMS[l]!;
    return {
      wl: Array.from({ length: out }, () => Array.from({ length: inDim }, w)),
      bl: Array.from({ length: out }, w),
      wr: Array.from({ length: out }, () => Array.from({ length: inDim }, w)),
    };
  });
}

/** Trains webgnn's model `steps` Adam steps from `init`; returns each step's loss and the final state dict. */
async function trainWebgnn(device: Device, init: Layer[], steps: number) {
  const model = new SageModel(device, {
    inDim: DIMS[0]!,
    hidden: DIMS[1]!,
    outDim: DIMS[2]!,
    numLayers: 2,
    dropout: 0,
  });
  const f32 = (shape: number[], v: number[]): SafeTensor => ({
    dtype: "F32",
    shape,
    data: Float32Array.from(v),
  });
  const state = new Map<string, SafeTensor>();
  init.forEach((L, l) => {
    state.set(`convs.${l}.lin_l.weight`, f32([L.wl.length, L.wl[0]!.length], L.wl.flat()));
    state.set(`convs.${l}.lin_l.bias`, f32([L.bl.length], L.bl));
    state.set(`convs.${l}.lin_r.weight`, f32([L.wr.length, L.wr[0]!.length], L.wr.flat()));
  });
  loadSageStateDict(device, model, state);
  const blocks = [hostBlock(NEIGHBOURS0, 6), hostBlock(NEIGHBOURS1, 4)].map((b) =>
    uploadBlock(device, b)
  );
  const x = device.createBuffer(6 * 3 * 4, "x"), labels = device.createBuffer(8, "labels");
  device.write(x, Float32Array.from(X.flat()));
  device.write(labels, Int32Array.from(LABELS));
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = model.trainStep(blocks, x, labels, 2, { lr: LR });
    losses.push((await device.read(loss, "f32"))[0]!);
    device.release(loss);
  }
  for (const b of blocks) b.release();
  device.release(x);
  device.release(labels);
  model.destroy();
  return losses;
}

Deno.test("GraphSAGE from zero weights: losses ln 3, then ln(2 + e^-2lr), as derived by hand", async () => {
  // With every weight and bias 0, all logits are 0: loss ln 3. Only the last
  // bias gets a gradient (hidden activations are ReLU(0) = 0), the mean of
  // softmax - onehot over labels {2, 0}: (-1/6, 1/3, -1/6). Adam's first
  // step moves each parameter by -lr sign(g) (m-hat = g, v-hat = g^2), so the
  // logits become (lr, -lr, lr) for both seeds, and the loss of either seed,
  // whose label's logit is lr, is -log(e^lr / (2 e^lr + e^-lr)) = ln(2 + e^-2lr).
  const zero = fixedLayers(0);
  await withDevices(async (cpu, gpu) => {
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const [first, second] = await trainWebgnn(device, zero, 2);
      assert.ok(Math.abs(first! - Math.log(3)) < 1e-6, `${device.kind}: step 1 loss ${first}`);
      const want = Math.log(2 + Math.exp(-2 * LR));
      assert.ok(
        Math.abs(second! - want) < 1e-6,
        `${device.kind}: step 2 loss ${second}, want ${want}`,
      );
    }
  });
});

Deno.test("GraphSAGE trained 5 steps from fixed weights matches a scalar PyG + torch.optim.Adam reference", async () => {
  const init = fixedLayers(1);
  // The reference's gradient, against central differences of its own loss.
  const { grads } = forwardBackward(init);
  const p0 = flatten(init), g0 = flatten(grads);
  for (let i = 0; i < p0.length; i += 3) {
    const at = (d: number) => lossOf(unflatten(p0.map((v, j) => (j === i ? v + d : v)), init));
    const fd = (at(1e-6) - at(-1e-6)) / 2e-6;
    assert.ok(Math.abs(fd - g0[i]!) < 1e-6, `reference gradient ${i}: ${g0[i]} vs ${fd}`);
  }
  // The reference trained 5 steps.
  const want: number[] = [];
  const p = [...p0], m = p.map(() => 0), v = p.map(() => 0);
  for (let step = 1; step <= 5; step++) {
    const r = forwardBackward(unflatten(p, init));
    want.push(r.loss);
    adamStep(p, flatten(r.grads), m, v, step);
  }
  assert.ok(want[4]! < want[0]!, `the reference learns: ${want}`);
  await withDevices(async (cpu, gpu) => {
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const got = await trainWebgnn(device, init, 5);
      got.forEach((l, s) =>
        assert.ok(
          Math.abs(l - want[s]!) < 2e-5 * Math.max(1, want[s]!),
          `${device.kind}: step ${s + 1} loss ${l}, the reference's ${
            want[s]
          } (all: ${got} vs ${want})`,
        )
      );
    }
  });
});
