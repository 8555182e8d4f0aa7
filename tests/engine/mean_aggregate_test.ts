import assert from "node:assert/strict";
import { activationBackward } from "../../engine/activation_backward.ts";
import type { Device } from "../../engine/device.ts";
import { ACTIVATION_CHUNK_ROWS } from "../../engine/kernels/activation_backward.ts";
import { meanAggregate } from "../../engine/mean_aggregate.ts";
import { meanAggregateBackward } from "../../engine/mean_aggregate_backward.ts";
import { transposeBlock } from "../../engine/transpose_block.ts";
import { poisoned, randomFloats, rng, withDevices } from "../_devices.ts";
import {
  assertClose,
  finiteDifferences,
  type HostBlock,
  meanAggregate64,
  randomBlock,
  uploadBlock,
} from "./_blocks.ts";

const CASES: [number, number, number, number][] = [
  // numDst, numSrc, maxDegree, dim
  [5, 9, 3, 4],
  [300, 1200, 12, 37],
  [1, 1, 0, 3],
];

async function forward(
  device: Device,
  b: HostBlock,
  h: Float32Array,
  dim: number,
  concat: boolean,
) {
  const block = uploadBlock(device, b);
  const hb = device.createBuffer(h.byteLength, "h");
  device.write(hb, h);
  const out = poisoned(device, b.numDst * dim * (concat ? 2 : 1), "out");
  meanAggregate(device, block, hb, out, { dim, concat });
  const got = await device.read(out, "f32");
  block.release();
  device.release(hb);
  device.release(out);
  return got;
}

async function backward(
  device: Device,
  b: HostBlock,
  g: Float32Array,
  dim: number,
  concat: boolean,
) {
  const block = uploadBlock(device, b);
  const gb = device.createBuffer(g.byteLength, "grad");
  device.write(gb, g);
  const t = transposeBlock(device, block);
  const dh = poisoned(device, b.numSrc * dim, "dh");
  meanAggregateBackward(device, block, t, gb, dh, { dim, concat });
  const got = await device.read(dh, "f32");
  t.release();
  block.release();
  device.release(gb);
  device.release(dh);
  return got;
}

Deno.test("meanAggregate() matches a float64 mean on both backends, with and without the self columns", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const [i, [numDst, numSrc, maxDeg, dim]] of CASES.entries()) {
      const b = randomBlock(numDst, numSrc, maxDeg, 40 + i);
      const h = randomFloats(numSrc * dim, 50 + i);
      const mean = meanAggregate64(b, h, dim);
      const cat = new Float64Array(numDst * 2 * dim);
      for (let d = 0; d < numDst; d++) {
        for (let c = 0; c < dim; c++) {
          cat[d * 2 * dim + c] = h[d * dim + c]!;
          cat[d * 2 * dim + dim + c] = mean[d * dim + c]!;
        }
      }
      for (const device of gpu ? [cpu, gpu] : [cpu]) {
        assertClose(await forward(device, b, h, dim, false), mean, `${device.kind} mean ${i}`);
        assertClose(await forward(device, b, h, dim, true), cat, `${device.kind} concat ${i}`);
      }
    }
  });
});

Deno.test("meanAggregate() with selfBegin takes the destinations' own rows from there, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const dim of [8, 37]) {
      const numDst = 50, numSrc = 400, selfBegin = 123;
      const b = randomBlock(numDst, numSrc, 6, dim);
      const h = randomFloats(numSrc * dim, 90 + dim);
      const mean = meanAggregate64(b, h, dim);
      const want = new Float64Array(numDst * 2 * dim);
      for (let d = 0; d < numDst; d++) {
        for (let c = 0; c < dim; c++) {
          want[d * 2 * dim + c] = h[(selfBegin + d) * dim + c]!;
          want[d * 2 * dim + dim + c] = mean[d * dim + c]!;
        }
      }
      for (const device of gpu ? [cpu, gpu] : [cpu]) {
        const block = uploadBlock(device, b);
        const hb = device.createBuffer(h.byteLength, "h");
        device.write(hb, h);
        const out = poisoned(device, numDst * 2 * dim, "out");
        meanAggregate(device, block, hb, out, { dim, concat: true, selfBegin });
        assertClose(await device.read(out, "f32"), want, `${device.kind} dim ${dim}`);
        block.release();
        device.release(hb);
        device.release(out);
      }
    }
  });
});

Deno.test("transposeBlock() groups every edge under its source on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    const b = randomBlock(200, 500, 9, 3);
    const want: number[][] = Array.from({ length: b.numSrc }, () => []);
    for (let d = 0; d < b.numDst; d++) {
      for (let j = b.indptr[d]!; j < b.indptr[d + 1]!; j++) want[b.indices[j]!]!.push(d);
    }
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const block = uploadBlock(device, b);
      const t = transposeBlock(device, block);
      const ptr = await device.read(t.indptr, "i32");
      const dst = await device.read(t.dst, "i32");
      const got = want.map((_, s) =>
        Array.from(dst.subarray(ptr[s]!, ptr[s + 1]!)).sort((x, y) => x - y)
      );
      assert.deepEqual(got, want, device.kind);
      assert.equal(ptr[b.numSrc], b.indices.length);
      t.release();
      block.release();
    }
  });
});

Deno.test("meanAggregateBackward() matches float64 finite differences and agrees across backends", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const [i, [numDst, numSrc, maxDeg, dim]] of CASES.entries()) {
      const b = randomBlock(numDst, numSrc, maxDeg, 60 + i);
      for (const concat of [false, true]) {
        const width = concat ? 2 * dim : dim;
        const g = randomFloats(numDst * width, 70 + i);
        // L(h) = sum(g * forward(h)) in float64: its gradient is the backward of g.
        const loss = (h: Float64Array) => {
          const mean = meanAggregate64(b, h, dim);
          let s = 0;
          for (let d = 0; d < numDst; d++) {
            for (let c = 0; c < dim; c++) {
              s += g[d * width + (concat ? dim : 0) + c]! * mean[d * dim + c]!;
              if (concat) s += g[d * width + c]! * h[d * dim + c]!;
            }
          }
          return s;
        };
        const h = Float64Array.from(randomFloats(numSrc * dim, 80 + i));
        const r = rng(i);
        const at = Array.from({ length: 40 }, () => Math.floor(r() * numSrc * dim));
        const fd = finiteDifferences(loss, h, at);
        const got = await backward(cpu, b, g, dim, concat);
        assertClose(at.map((k) => got[k]!), fd, `cpu gradient ${i} concat=${concat}`, 1e-5, 1e-4);
        if (gpu) {
          const gotGpu = await backward(gpu, b, g, dim, concat);
          assertClose(gotGpu, got, `webgpu vs cpu gradient ${i} concat=${concat}`, 1e-5, 1e-5);
        }
      }
    }
  });
});

Deno.test("meanAggregateBackward() with an activation equals the backward followed by activationBackward()", async () => {
  await withDevices(async (cpu, gpu) => {
    // More sources than two chunks of partial sums, the last one partial.
    const numDst = 90, numSrc = 2 * ACTIVATION_CHUNK_ROWS + 37, dim = 13, biasOff = 3;
    const b = randomBlock(numDst, numSrc, 7, 5);
    const g = randomFloats(numDst * 2 * dim, 6);
    for (
      const [k, s] of [{ relu: true, p: 0.5 }, { relu: true, p: 0 }, { relu: false, p: 0.3 }]
        .entries()
    ) {
      // y as a ReLU + dropout output: zeros where masked, positive elsewhere.
      const y = randomFloats(numSrc * dim, 7 + k).map((v) => s.relu ? Math.max(v, 0) : v);
      const act = { dbOffset: biasOff, relu: s.relu, p: s.p, seed: 11 + k };
      const run = async (device: Device, fused: boolean) => {
        const block = uploadBlock(device, b);
        const upload = (a: Float32Array) => {
          const x = device.createBuffer(a.byteLength, "x");
          device.write(x, a);
          return x;
        };
        const gb = upload(g), yb = upload(y);
        const db = poisoned(device, biasOff + dim, "db");
        const dh = poisoned(device, numSrc * dim, "dh");
        const t = transposeBlock(device, block);
        if (fused) {
          meanAggregateBackward(device, block, t, gb, dh, {
            dim,
            concat: true,
            activation: { ...act, y: yb, db },
          });
        } else {
          meanAggregateBackward(device, block, t, gb, dh, { dim, concat: true });
          activationBackward(device, dh, yb, db, { ...act, rows: numSrc, dim });
        }
        const out = {
          dh: await device.read(dh, "f32"),
          db: (await device.read(db, "f32")).subarray(biasOff),
        };
        t.release();
        block.release();
        for (const x of [gb, yb, db, dh]) device.release(x);
        return out;
      };
      const want = await run(cpu, false);
      for (const device of gpu ? [cpu, gpu] : [cpu]) {
        const got = await run(device, true);
        const what = `${device.kind} ${JSON.stringify(s)}`;
        assertClose(got.dh, want.dh, `${what} dh`, 1e-6, 1e-5);
        assertClose(got.db, want.db, `${what} bias gradient`, 1e-5, 1e-5);
      }
    }
  });
});
