import assert from "node:assert/strict";
import linkBceKernel from "../../../engine/kernels/link_bce.ts";
import linkBceBackwardKernel from "../../../engine/kernels/link_bce_backward.ts";
import { linkTarget } from "../../../engine/link_target.ts";
import { randomFloats, rng, withDevices } from "../../_devices.ts";
import { assertClose, finiteDifferences } from "../_blocks.ts";
import { runKernel } from "../_run_kernel.ts";

/** float64 mean BCE with logits on the pairs' dot products, and the pairs on the right side of 0. */
function bce64(emb: ArrayLike<number>, target: Int32Array, pairs: number, dim: number) {
  let total = 0, hits = 0;
  for (let p = 0; p < pairs; p++) {
    const a = target[p]!, b = target[pairs + p]!, y = target[2 * pairs + p]!;
    let s = 0;
    for (let k = 0; k < dim; k++) s += emb[a * dim + k]! * emb[b * dim + k]!;
    total += y === 1 ? Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    if ((s > 0) === (y === 1)) hits++;
  }
  return { loss: total / pairs, hits };
}

/** A random link target over `nodes` nodes (some pairs share rows, some are self-pairs). */
function randomTarget(nodes: number, positives: number, ratio: number, seed: number) {
  const r = rng(seed);
  const pick = () => Math.floor(r() * nodes);
  const source = Int32Array.from({ length: positives }, pick);
  const target = Int32Array.from(source, (s, i) => (i % 7 === 3 ? s : pick()));
  const ids = Int32Array.from({ length: positives }, (_, i) => i);
  return linkTarget({ source, target }, ids, nodes, { mode: "binary", ratio }, seed);
}

Deno.test("link_bce gives the float64 mean loss and hits, and with link_bce_backward its finite-difference gradient", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const [nodes, positives, ratio, dim] of [[300, 400, 2, 16], [6, 3, 1, 3], [2, 1, 0, 1]]) {
      const t = randomTarget(nodes!, positives!, ratio!, nodes!);
      const rows = t.nodes.length, pairs = t.numPairs;
      const emb = randomFloats(rows * dim!, rows).map((v) => 1.5 * v);
      const forward = { emb, link: t.target, pair_grad: pairs, loss: 2 };
      const u = { num_pairs: pairs, dim: dim! };
      const got = await runKernel(cpu, linkBceKernel, forward, u);
      const want = bce64(emb, t.target, pairs, dim!);
      assertClose([got.loss[0]!], [want.loss], "loss", 1e-5, 1e-5);
      assert.equal(got.loss[1], want.hits);
      const backward = { emb, link: t.target, pair_grad: got.pair_grad, grad: rows * dim! };
      const bu = { num_pairs: pairs, rows, dim: dim! };
      const grad = (await runKernel(cpu, linkBceBackwardKernel, backward, bu)).grad;
      const r = rng(dim!);
      const at = Array.from({ length: 30 }, () => Math.floor(r() * rows * dim!));
      const fd = finiteDifferences(
        (x) => bce64(x, t.target, pairs, dim!).loss,
        Float64Array.from(emb),
        at,
      );
      assertClose(at.map((i) => grad[i]!), fd, "cpu gradient", 1e-6, 1e-4);
      if (gpu) {
        const g = await runKernel(gpu, linkBceKernel, forward, u);
        assertClose(g.loss, got.loss, "webgpu loss and hits", 1e-5, 1e-5);
        assertClose(g.pair_grad, got.pair_grad, "webgpu pair gradients", 1e-6, 1e-4);
        const gg = await runKernel(gpu, linkBceBackwardKernel, backward, bu);
        assertClose(gg.grad, grad, "webgpu gradient", 1e-6, 1e-4);
      }
    }
  });
});

Deno.test("link_bce keeps the loss finite for scores far from 0", async () => {
  await withDevices(async (cpu, gpu) => {
    // Scores 400 (label 1, no loss) and -400 for a label-1 pair (loss 400).
    const emb = new Float32Array([20, 20, -20]);
    const target = new Int32Array([0, 0, 1, 2, 1, 1]);
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const got = await runKernel(device, linkBceKernel, {
        emb,
        link: target,
        pair_grad: 2,
        loss: 2,
      }, { num_pairs: 2, dim: 1 });
      assertClose(got.loss, [200, 1], "loss", 1e-3, 1e-6);
      assertClose(got.pair_grad, [0, -0.5], "pair gradients", 1e-6, 1e-6);
    }
  });
});
