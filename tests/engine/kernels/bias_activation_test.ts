import assert from "node:assert/strict";
import { activationBackward } from "../../../engine/activation_backward.ts";
import type { Device } from "../../../engine/device.ts";
import { ACTIVATION_CHUNK_ROWS } from "../../../engine/kernels/activation_backward.ts";
import biasActivationKernel from "../../../engine/kernels/bias_activation.ts";
import { dropoutKeeps } from "../../../engine/kernels/_dropout.ts";
import { pcg } from "../../../engine/kernels/_random.ts";
import { randomFloats, rng, withDevices } from "../../_devices.ts";
import { assertClose, finiteDifferences } from "../_blocks.ts";
import { runKernel } from "../_run_kernel.ts";

// More rows than two chunks of the backward's partial sums, the last one partial.
const ROWS = 2 * ACTIVATION_CHUNK_ROWS + 45, DIM = 19, BIAS_OFF = 5;

/** float64 reference: dropout(act(pre + b)). */
function forward64(
  pre: ArrayLike<number>,
  b: ArrayLike<number>,
  relu: boolean,
  p: number,
  seed: number,
) {
  const out = new Float64Array(ROWS * DIM);
  for (let i = 0; i < out.length; i++) {
    let x = pre[i]! + b[i % DIM]!;
    if (relu) x = Math.max(x, 0);
    if (p > 0) x = dropoutKeeps(pcg(seed), i, p) ? x / (1 - p) : 0;
    out[i] = x;
  }
  return out;
}

const SETTINGS = [
  { relu: 1, p: 0 },
  { relu: 1, p: 0.5 },
  { relu: 0, p: 0.3 },
  { relu: 0, p: 0 },
];

Deno.test("bias_activation applies bias, ReLU and the same dropout mask on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const [k, s] of SETTINGS.entries()) {
      const pre = randomFloats(ROWS * DIM, 1 + k);
      const bias = randomFloats(BIAS_OFF + DIM, 2 + k);
      const u = { rows: ROWS, dim: DIM, bias_off: BIAS_OFF, relu: s.relu, p: s.p, seed: 99 + k };
      const want = forward64(pre, bias.subarray(BIAS_OFF), s.relu === 1, s.p, u.seed);
      const got = (await runKernel(cpu, biasActivationKernel, { y: pre, bias }, u)).y;
      assertClose(got, want, `cpu ${JSON.stringify(s)}`, 1e-6, 1e-6);
      if (s.p > 0 && s.relu === 0) {
        const dropped = got.filter((x) => x === 0).length / got.length;
        assert.ok(Math.abs(dropped - s.p) < 0.08, `dropped share ${dropped} for p=${s.p}`);
      }
      if (gpu) {
        const g = (await runKernel(gpu, biasActivationKernel, { y: pre, bias }, u)).y;
        assertClose(g, got, `webgpu ${JSON.stringify(s)}`, 1e-6, 1e-6);
        assert.deepEqual(g.map((x) => x === 0 ? 1 : 0), got.map((x) => x === 0 ? 1 : 0));
      }
    }
  });
});

Deno.test("activationBackward() matches float64 finite differences for the input and the bias", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const [k, s] of SETTINGS.entries()) {
      const seed = 7 + k;
      const pre = randomFloats(ROWS * DIM, 10 + k);
      const bias = randomFloats(DIM, 20 + k);
      const g = randomFloats(ROWS * DIM, 30 + k);
      const u = { rows: ROWS, dim: DIM, relu: s.relu, p: s.p, seed };
      const y =
        (await runKernel(cpu, biasActivationKernel, { y: pre, bias }, { ...u, bias_off: 0 })).y;
      const run = async (device: Device) => {
        const upload = (a: Float32Array) => {
          const b = device.createBuffer(a.byteLength, "x");
          device.write(b, a);
          return b;
        };
        const grad = upload(g), yb = upload(y as Float32Array);
        const db = upload(new Float32Array(BIAS_OFF + DIM).fill(Number.NaN));
        activationBackward(device, grad, yb, db, {
          ...u,
          relu: s.relu === 1,
          dbOffset: BIAS_OFF,
        });
        const out = { grad: await device.read(grad, "f32"), db: await device.read(db, "f32") };
        for (const b of [grad, yb, db]) device.release(b);
        return out;
      };
      const got = await run(cpu);
      // L(pre, b) = sum(g * forward(pre, b)) in float64.
      const loss = (x: Float64Array, b: ArrayLike<number>) => {
        const out = forward64(x, b, s.relu === 1, s.p, seed);
        return out.reduce((acc, v, i) => acc + v * g[i]!, 0);
      };
      const r = rng(k);
      const at = Array.from({ length: 30 }, () => Math.floor(r() * ROWS * DIM));
      const x64 = Float64Array.from(pre);
      const dPre = finiteDifferences((x) => loss(x, bias), x64, at);
      assertClose(at.map((i) => got.grad[i]!), dPre, `cpu input gradient ${JSON.stringify(s)}`);
      const b64 = Float64Array.from(bias);
      const dB = finiteDifferences(
        (b) => loss(x64, b),
        b64,
        Array.from({ length: DIM }, (_, c) => c),
      );
      assertClose(got.db.subarray(BIAS_OFF), dB, `cpu bias gradient ${JSON.stringify(s)}`, 1e-4);
      if (gpu) {
        const gg = await run(gpu);
        assertClose(gg.grad, got.grad, "webgpu input gradient", 1e-6, 1e-6);
        assertClose(
          gg.db.subarray(BIAS_OFF),
          got.db.subarray(BIAS_OFF),
          "webgpu bias gradient",
          1e-5,
        );
      }
    }
  });
});
