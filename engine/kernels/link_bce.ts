import wgsl from "../../shaders/link_bce.wgsl" with { type: "text" };
import { defineKernel } from "../kernel.ts";

/**
 * Binary cross-entropy with logits on the dot products of pairs of embedding
 * rows (link prediction's loss, as PyG's `F.binary_cross_entropy_with_logits`
 * on `(h[src] * h[dst]).sum(-1)`): `emb` is `rows x dim`; `link` (a link target) packs, for
 * `P = num_pairs`, the pairs' first rows `[0, P)`, second rows `[P, 2P)` and
 * 0/1 labels `[2P, 3P)` (the rest of a link target follows, see
 * `link_target.ts`). Writes `loss[0]`, the mean loss over the pairs,
 * `loss[1]`, the pairs whose score has the label's sign (positive above 0),
 * and `pair_grad[p]`, the derivative of `loss[0]` by pair `p`'s score; the
 * gradient into `emb` is `link_bce_backward`'s. The loss stays on the device.
 * One workgroup.
 *
 * @example
 * ```ts
 * import linkBceKernel from "./link_bce.ts";
 * const loss = new Float32Array(2), pairGrad = new Float32Array(1);
 * linkBceKernel.cpu({
 *   buffers: { emb: new Float32Array([1, 0, 0, 1]), link: new Int32Array([0, 1, 1]), pair_grad: pairGrad, loss },
 *   uniforms: { num_pairs: 1, dim: 2 }, begin: 0, end: 256,
 * });
 * console.log(loss[0]!.toFixed(4), pairGrad[0]); // 0.6931 -0.5
 * ```
 */
const linkBceKernel = defineKernel({
  name: "link_bce",
  wgsl,
  customEntry: true,
  workgroupSize: 256,
  bindings: [
    { name: "emb", type: "f32", access: "read" },
    { name: "link", type: "i32", access: "read" },
    { name: "pair_grad", type: "f32", access: "read_write" },
    { name: "loss", type: "f32", access: "read_write" },
  ],
  uniforms: [
    { name: "num_pairs", type: "u32" },
    { name: "dim", type: "u32" },
  ],
  invocations: () => 256,
  cpu: ({ buffers, uniforms: { num_pairs: n, dim }, begin }) => {
    if (begin > 0) return;
    const emb = buffers.emb as Float32Array, grad = buffers.pair_grad as Float32Array;
    const { link: target, loss } = buffers;
    const inv = 1 / Math.max(n, 1);
    let total = 0, hits = 0;
    for (let p = 0; p < n; p++) {
      const a = target[p]! * dim, b = target[n + p]! * dim, y = target[2 * n + p]!;
      let s = 0;
      for (let k = 0; k < dim; k++) s += emb[a + k]! * emb[b + k]!;
      s = Math.fround(s);
      // softplus(s) - y s, and sigmoid(s), without overflow for large |s|.
      const e = Math.exp(-Math.abs(s));
      total += Math.max(s, 0) - y * s + Math.log1p(e);
      const sigmoid = s >= 0 ? 1 / (1 + e) : e / (1 + e);
      grad[p] = (sigmoid - y) * inv;
      if ((s > 0) === (y === 1)) hits++;
    }
    loss[0] = total * inv;
    loss[1] = hits;
  },
});
export default linkBceKernel;
